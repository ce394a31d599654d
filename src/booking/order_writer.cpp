#include "booking/order_writer.hpp"

#include "booking/order_sql.hpp"
#include "common/json_writer.hpp"
#include "common/text.hpp"
#include "pg/pool.hpp"

#include <algorithm>

namespace marquee::booking {

namespace {

// A burst larger than this is split: one statement should not hold many row locks for long.
constexpr std::size_t kMaxBatch = 32;

// A ticket code: "BMS-" and 8 characters of A–Z2–9 from the cryptographic random source
// (34^8 ≈ 1.8·10^12 codes; rejection sampling keeps every character equally likely).
std::string new_ticket_code() {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789";
    std::string code = "BMS-";
    while (code.size() < 12) {
        for (unsigned char b : random_bytes(16)) {
            if (b >= 34 * 7) continue;  // 238: the largest multiple of 34 below 256
            code += kAlphabet[b % 34];
            if (code.size() == 12) break;
        }
    }
    return code;
}

// Hands each request the row whose last column (the request's index in the batch) names it.
template <class Request> void distribute(const pg::Result& result, std::span<Request*> requests) {
    for (Request* r : requests) r->outcome.emplace();  // no row back: nothing to find
    int index_column = result.columns() - 1;
    for (int row = 0; row < result.rows(); ++row) {
        auto i = static_cast<std::size_t>(result.integer(row, index_column));
        if (i < requests.size()) requests[i]->outcome.emplace(ResultRow{result, row});
    }
}

// The batch as the JSON array the statements read: one object per request, its index as `i`.
template <class Request, class WriteFields> std::string batch_json(std::span<Request*> requests, WriteFields write_fields) {
    std::string json;
    JsonWriter w(json);
    w.begin_array();
    for (std::size_t i = 0; i < requests.size(); ++i) {
        w.begin_object();
        w.field("i", static_cast<std::int64_t>(i));
        write_fields(w, requests[i]->item);
        w.end_object();
    }
    w.end_array();
    return json;
}

// One batch of each kind in flight per I/O thread: the next batch forms while it runs. More slots
// only split a rush into smaller batches that compete for the same cores (measured: two slots per
// thread gave ~15% fewer bookings per second than one, docs/benchmarks.md); more threads bring
// more batches in flight where there are more cores.
constexpr int kBatchSlots = 1;

}  // namespace

OrderWriter::OrderWriter(boost::asio::any_io_executor executor, pg::Pool& db, int order_ttl_seconds)
    : db_(db), order_ttl_seconds_(order_ttl_seconds),
      creates_(executor, kMaxBatch, kBatchSlots, [](const NewOrder& o) { return o.hold_id; },
               [this](std::span<pg::Batcher<NewOrder, Outcome>::Request*> requests) -> boost::asio::awaitable<void> {
                   std::string json = batch_json(requests, [](JsonWriter& w, const NewOrder& o) {
                       w.field("hold_id", o.hold_id).field("user_id", o.user_id).field("show_id", o.show_id);
                       w.key("seats").begin_array();
                       for (const auto& s : o.seats) w.string(s);
                       w.end_array();
                       w.field("name", o.name).field("email", o.email).field("phone", o.phone);
                       w.field("amount", o.amount.to_decimal());
                   });
                   auto result = co_await db_.query(sql::kCreateOrders, json, order_ttl_seconds_);
                   distribute(result, requests);
               }),
      payments_(executor, kMaxBatch, kBatchSlots, [](const Payment& p) { return p.order_id; },
                [this](std::span<pg::Batcher<Payment, Outcome>::Request*> requests) -> boost::asio::awaitable<void> {
                    // A fresh ticket code for every attempt: a batch retried alone draws again.
                    std::string json = batch_json(requests, [](JsonWriter& w, const Payment& p) {
                        w.field("order_id", p.order_id).field("user_id", p.user_id).field("code", new_ticket_code());
                    });
                    auto result = co_await db_.query(sql::kConfirmPayments, json);
                    distribute(result, requests);
                }) {}

boost::asio::awaitable<std::optional<ResultRow>> OrderWriter::create(NewOrder order) {
    co_return co_await creates_.submit(std::move(order));
}

boost::asio::awaitable<std::optional<ResultRow>> OrderWriter::confirm(Payment payment) {
    co_return co_await payments_.submit(std::move(payment));
}

}  // namespace marquee::booking
