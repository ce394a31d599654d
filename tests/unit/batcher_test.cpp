#include "pg/batcher.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;

// Items are numbers; a batch answers each with its number times ten, unless it holds a number in
// `poison` (then the whole batch fails with a PostgreSQL error, as a statement would).
struct Harness {
    asio::io_context ioc;
    std::vector<std::vector<int>> batches;
    std::set<int> poison;
    bool backend_down = false;
    pg::Batcher<int, int> batcher{ioc.get_executor(), 4, 1, [](const int& i) { return std::to_string(i % 100); },
                                  [this](std::span<pg::Batcher<int, int>::Request*> requests) -> asio::awaitable<void> {
                                      std::vector<int> items;
                                      for (auto* r : requests) items.push_back(r->item);
                                      batches.push_back(items);
                                      // A round trip: the next requests queue up meanwhile.
                                      co_await asio::post(ioc, asio::use_awaitable);
                                      if (backend_down) throw std::runtime_error("connection lost");
                                      for (int i : items)
                                          if (poison.contains(i)) throw pg::Error("duplicate key", "23505", "order_seats_pkey");
                                      for (auto* r : requests) r->outcome = r->item * 10;
                                  }};
    std::map<int, std::string> answers;

    void submit_all(const std::vector<int>& items) {
        for (int i : items) {
            asio::co_spawn(ioc, [this, i]() -> asio::awaitable<void> {
                try {
                    int out = co_await batcher.submit(i);
                    answers[i] = std::to_string(out);
                } catch (const pg::Error& e) {
                    answers[i] = "pg:" + e.constraint;
                } catch (const std::exception& e) {
                    answers[i] = std::string("error:") + e.what();
                }
            }, asio::detached);
        }
        ioc.run();
    }
};

TEST(Batcher, RequestsMadeTogetherShareBatchesOfBoundedSize) {
    Harness h;
    h.submit_all({1, 2, 3, 4, 5, 6});
    ASSERT_EQ(h.batches.size(), 2u);  // one slot, at most four a batch
    EXPECT_EQ(h.batches[0], (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(h.batches[1], (std::vector<int>{5, 6}));
    for (int i = 1; i <= 6; ++i) EXPECT_EQ(h.answers[i], std::to_string(i * 10));
}

TEST(Batcher, AFailedBatchIsRetriedOneByOneSoOnlyTheGuiltyFails) {
    Harness h;
    h.poison = {2};
    h.submit_all({1, 2, 3});
    EXPECT_EQ(h.answers[1], "10");
    EXPECT_EQ(h.answers[2], "pg:order_seats_pkey");
    EXPECT_EQ(h.answers[3], "30");
    ASSERT_EQ(h.batches.size(), 4u);  // the batch of three, then each alone
    EXPECT_EQ(h.batches[0].size(), 3u);
}

TEST(Batcher, RequestsWithTheSameKeyNeverShareABatch) {
    Harness h;
    h.submit_all({7, 107, 8});  // 7 and 107 share key "7"
    ASSERT_EQ(h.batches.size(), 2u);
    EXPECT_EQ(h.batches[0], (std::vector<int>{7, 8}));
    EXPECT_EQ(h.batches[1], (std::vector<int>{107}));
    EXPECT_EQ(h.answers[107], "1070");
}

TEST(Batcher, ABackendFailureReachesEveryRequestWithoutRetries) {
    Harness h;
    h.backend_down = true;
    h.submit_all({1, 2});
    EXPECT_EQ(h.answers[1], "error:connection lost");
    EXPECT_EQ(h.answers[2], "error:connection lost");
    EXPECT_EQ(h.batches.size(), 1u);
}

}  // namespace
