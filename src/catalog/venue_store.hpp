#pragma once
#include "common/ids.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace pg { class Pool; }

namespace marquee::catalog {

struct NewTheatre {
    std::string name;
    std::optional<std::string> address;
    std::string city;
    double lat = 0, lng = 0;
    std::string timezone;  // IANA name
    bool cancellation_available = true;
};

struct CreatedTheatre {
    TheatreId theatre_id;
    std::string geo_lat, geo_lng;  // as PostgreSQL stored them, JSON numbers
};

struct NewScreen {
    std::string screen_name;
    std::optional<std::string> screen_type;
    std::int64_t total_seats = 0;
    std::string layout_json;  // JSON array of {rowLabel, seatNumbers, seatType}, front to back
};

struct CreatedScreen {
    enum class Outcome { Created, NoSuchTheatre, NameTaken };
    Outcome outcome = Outcome::Created;
    ScreenId screen_id;  // when Created
};

// Theatres and their screens with seat layouts.
class VenueStore {
public:
    explicit VenueStore(pg::Pool& db) : db_(db) {}

    // PostgreSQL knows the zone (its time zone database is the one show times are computed with).
    boost::asio::awaitable<bool> timezone_exists(const std::string& name);
    boost::asio::awaitable<CreatedTheatre> create_theatre(const NewTheatre& theatre);
    // Every active theatre with its active screens, ordered by city and name, as a JSON array of
    // {theatreId, name, address, city, geo, timezone, cancellationAvailable, screens}.
    boost::asio::awaitable<std::string> theatres_json();
    // The screen and its layout in one transaction.
    boost::asio::awaitable<CreatedScreen> create_screen(const TheatreId& theatre, const NewScreen& screen);

private:
    pg::Pool& db_;
};

}  // namespace marquee::catalog
