#pragma once
#include <compare>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace marquee {

// An identifier of one kind of thing. Ids of different kinds are different types, so passing a
// hold id where an order id belongs does not compile. The value is the text clients see (a
// lowercase UUID, a seat label like "A1", a user's token subject).
template <class Tag> class Id {
public:
    Id() = default;
    explicit Id(std::string value) : value_(std::move(value)) {}
    explicit Id(std::string_view value) : value_(value) {}
    explicit Id(const char* value) : value_(value) {}

    const std::string& str() const { return value_; }
    bool empty() const { return value_.empty(); }
    auto operator<=>(const Id&) const = default;

private:
    std::string value_;
};

using MovieId = Id<struct MovieTag>;
using TheatreId = Id<struct TheatreTag>;
using ScreenId = Id<struct ScreenTag>;
using ShowId = Id<struct ShowTag>;
using SeatId = Id<struct SeatTag>;
using HoldId = Id<struct HoldTag>;
using OrderId = Id<struct OrderTag>;
using UserId = Id<struct UserTag>;

}  // namespace marquee

template <class Tag> struct std::hash<marquee::Id<Tag>> {
    std::size_t operator()(const marquee::Id<Tag>& id) const noexcept { return std::hash<std::string>{}(id.str()); }
};
