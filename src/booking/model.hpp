#pragma once
#include "common/enum_names.hpp"
#include "common/ids.hpp"
#include "common/money.hpp"
#include "common/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The things booking is about: holds and orders, their statuses, and who ordered what.
namespace marquee::booking {

enum class HoldStatus { Held, Expired, Released, Converted };
inline constexpr EnumNames<HoldStatus, 4> kHoldStatusNames{{"HELD", "EXPIRED", "RELEASED", "CONVERTED"}};
constexpr std::string_view to_string(HoldStatus s) { return kHoldStatusNames(s); }

enum class OrderStatus { PaymentPending, Confirmed, Expired, Cancelled, Refunded };
inline constexpr EnumNames<OrderStatus, 5> kOrderStatusNames{
    {"PAYMENT_PENDING", "CONFIRMED", "EXPIRED", "CANCELLED", "REFUNDED"}};
constexpr std::string_view to_string(OrderStatus s) { return kOrderStatusNames(s); }

// A hold as Redis keeps it. `status` is what it is now: a HELD hold past its expiry reads EXPIRED.
struct Hold {
    HoldId id;
    ShowId show;
    UserId user;
    std::vector<SeatId> seats;  // layout order
    std::int64_t expires_ms = 0;
    HoldStatus status = HoldStatus::Held;
    std::optional<OrderId> order;  // once CONVERTED
};

struct Customer {
    std::string name, email, phone;
};

// An order as its owner sees it (docs/api.md, orders). `status` is what it is now: an unpaid order past
// its payment window reads EXPIRED even before the sweeper has recorded it.
struct Order {
    OrderId id;
    UserId user;
    HoldId hold;
    OrderStatus status = OrderStatus::PaymentPending;
    std::vector<SeatId> seats;  // layout order
    Money amount;
    std::optional<std::string> ticket_code;
    EpochSeconds created = 0;
    EpochSeconds expires = 0;
    std::int64_t expires_ms = 0;
    std::string created_key;  // created_at as PostgreSQL prints it: the sort key of "my orders"
    Customer customer;
    ShowId show;
    EpochSeconds show_start = 0;
    int show_utc_offset = 0;  // of the theatre's clock at the show's start
    MovieId movie;
    std::string movie_title;
    TheatreId theatre;
    std::string theatre_name;
    bool theatre_allows_cancellation = false;  // a confirmed order may be refunded (before the show)
    // The show's seat version of the change that created it, for Redis's step (only as created).
    std::int64_t seat_version = 0;
};

// "A1, A2, B7": seat ids as a person reads them in a message.
std::string join_seats(const std::vector<SeatId>& seats);

}  // namespace marquee::booking
