#pragma once
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

    // The first value of a query parameter, if present.
    std::optional<std::string_view> query_param(std::string_view name) const {
        for (const auto& [k, v] : query)
            if (k == name) return std::string_view(v);
        return std::nullopt;
    }
};

struct Response {
    int status = 200;
    std::string body;  // JSON
    std::vector<std::pair<std::string, std::string>> headers;
};

// The error envelope (docs/api.md §3): {"error":{"message":…,"code":…}}
Response error_response(int status, std::string_view code, std::string_view message);
Response json_response(int status, std::string body);

}  // namespace marquee::http
