#include "jobs/delivery_policy.hpp"
#include "jobs/notification_sink.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace marquee::jobs;

namespace {
boost::json::object payload(const char* event) {
    return boost::json::parse(std::string(R"({"event":")") + event + R"(","orderId":"o-1","userId":"u-1",
        "email":"asha@example.com","name":"Asha","ticketCode":"BMS-ABCD2345","seats":["A1","A2"],"amount":561,
        "movie":"Dune: Part Two","theatre":"PVR Orion Mall","theatreAddress":"Rajajinagar",
        "startTime":"2026-12-20 18:30","timezone":"Asia/Kolkata"})").as_object();
}
}  // namespace

TEST(Email, ConfirmationCarriesEverythingAPersonNeeds) {
    std::string mail = compose_email("order.confirmed", payload("order.confirmed"), "Marquee <noreply@marquee.local>");
    auto body_at = mail.find("\r\n\r\n");
    ASSERT_NE(body_at, std::string::npos);
    std::string headers = mail.substr(0, body_at), body = mail.substr(body_at);
    EXPECT_NE(headers.find("To: <asha@example.com>"), std::string::npos);
    EXPECT_NE(headers.find("Subject: Your tickets for Dune: Part Two (BMS-ABCD2345)"), std::string::npos);
    EXPECT_NE(headers.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
    for (const char* expected : {"Hello Asha", "Dune: Part Two", "PVR Orion Mall, Rajajinagar",
                                 "2026-12-20 18:30 (Asia/Kolkata)", "A1, A2", "561", "BMS-ABCD2345"})
        EXPECT_NE(body.find(expected), std::string::npos) << expected;
}

TEST(Email, EachEventHasItsOwnSubject) {
    auto subject = [](const char* event) {
        std::string mail = compose_email(event, payload(event), "x");
        auto at = mail.find("Subject: ");
        return mail.substr(at, mail.find("\r\n", at) - at);
    };
    EXPECT_EQ(subject("order.created"), "Subject: Complete your booking for Dune: Part Two");
    EXPECT_EQ(subject("order.expired"), "Subject: Booking expired: Dune: Part Two");
    EXPECT_EQ(subject("order.refunded"), "Subject: Booking refunded: Dune: Part Two");
    EXPECT_EQ(subject("order.cancelled"), "Subject: Booking cancelled: Dune: Part Two");
    EXPECT_EQ(subject("show.cancelled"), "Subject: Show cancelled: Dune: Part Two");
}

TEST(DeliveryPolicy, RetriesBackOffExponentiallyWithJitterUpToFiveMinutes) {
    using marquee::jobs::retry_delay;
    using std::chrono::seconds;
    EXPECT_EQ(retry_delay(1, 0.0), seconds(1));
    EXPECT_EQ(retry_delay(3, 0.0), seconds(2));   // half of 4 s at the least jitter
    EXPECT_EQ(retry_delay(3, 1.0), seconds(4));   // all of it at the most
    EXPECT_EQ(retry_delay(8, 1.0), seconds(128));
    EXPECT_EQ(retry_delay(9, 1.0), seconds(256));
    for (int attempts : {10, 31, 32, 1000, 2'000'000'000}) {  // capped, and no overflow however many
        EXPECT_LE(retry_delay(attempts, 1.0), seconds(300)) << attempts;
        EXPECT_GE(retry_delay(attempts, 0.0), seconds(150)) << attempts;
    }
    EXPECT_LT(retry_delay(6, 0.1), retry_delay(6, 0.9));  // the jitter spreads retries apart
}

TEST(DeliveryPolicy, AnEventIsParkedAfterTheLastAllowedAttempt) {
    using marquee::jobs::is_dead;
    EXPECT_FALSE(is_dead(1, 2));
    EXPECT_TRUE(is_dead(2, 2));
    EXPECT_TRUE(is_dead(11, 10));
}

TEST(Email, AHeaderNeverBreaksItsLine) {
    auto p = payload("order.confirmed");
    p["movie"] = "Dune\r\nBcc: everyone@example.com";
    std::string mail = compose_email("order.confirmed", p, "x");
    std::string headers = mail.substr(0, mail.find("\r\n\r\n"));
    EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos) << headers;
}

TEST(Sinks, AreKnownByWhereTheyDeliverWithoutCredentials) {
    EXPECT_EQ(sink_identity("smtp://user:secret@mail.example.com:2525"), "smtp://mail.example.com:2525");
    EXPECT_EQ(sink_identity("webhook:https://hooks.example.com/in/marquee?token=abc#x"),
              "webhook:https://hooks.example.com/in/marquee");
    EXPECT_EQ(sink_identity("file:/var/log/marquee/events.jsonl"), "file:/var/log/marquee/events.jsonl");
    EXPECT_EQ(sink_identity("log"), "log");
    // Rotating a password keeps the name: the sink does not get every pending event again.
    EXPECT_EQ(sink_identity("smtp://u:old@mail:25"), sink_identity("smtp://u:new@mail:25"));
}
