#pragma once
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace marquee::http {

enum class Method { Get, Post, Patch, Put, Delete, Head, Options, Other };

// A parsed HTTP request, free of Beast types so handlers and domain code never see the transport.
struct Request {
    Method method = Method::Other;
    std::string path;  // percent-decoded
    std::vector<std::pair<std::string, std::string>> query;  // percent-decoded, in order
    std::string body;
    std::string content_type;
    std::string authorization;
    std::string request_id;
    std::string last_event_id;  // a reconnecting event stream's (Server-Sent Events); at most 64 bytes
    std::string if_none_match;  // the version of a file the client has (a static file's ETag); at most 128 bytes

    // The first value of a query parameter, if present.
    std::optional<std::string_view> query_param(std::string_view name) const {
        for (const auto& [k, v] : query)
            if (k == name) return std::string_view(v);
        return std::nullopt;
    }
};

// Where a streaming response (Server-Sent Events) writes, after the server sent its head.
class EventStream {
public:
    virtual ~EventStream() = default;
    // Sends `text` whole. False once the client is gone or stopped reading (the write timed out).
    virtual boost::asio::awaitable<bool> write(std::string_view text) = 0;
};

struct Response {
    int status = 200;
    std::string body;  // JSON, unless a Content-Type header says otherwise
    std::vector<std::pair<std::string, std::string>> headers;
    // Set for a stream: the server answers 200 text/event-stream, then runs this until it returns;
    // the connection closes after it (the stream ends the response). `body` is unused.
    std::function<boost::asio::awaitable<void>(EventStream&)> stream;
};

// The error envelope (docs/api.md §3): {"error":{"message":…,"code":…}}
Response error_response(int status, std::string_view code, std::string_view message);
Response json_response(int status, std::string body);

}  // namespace marquee::http
