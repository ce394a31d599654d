#pragma once
#include <stdexcept>
#include <string>

namespace marquee {

// The one error type that carries an error code of docs/api.md §3. Domain code throws it; the HTTP layer turns it
// into the error envelope in exactly one place (http::Router).
struct ApiError : std::runtime_error {
    int status;
    std::string code;
    ApiError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status(status), code(std::move(code)) {}

    static ApiError validation(const std::string& m) { return {400, "VALIDATION_ERROR", m}; }
    static ApiError unauthorized(const std::string& m) { return {401, "UNAUTHORIZED", m}; }
    static ApiError forbidden(const std::string& m) { return {403, "FORBIDDEN", m}; }
    static ApiError not_found(const std::string& m) { return {404, "NOT_FOUND", m}; }
    static ApiError conflict(const std::string& code, const std::string& m) { return {409, code, m}; }
};

// Thrown by the PostgreSQL and Redis clients when the server cannot be reached, does not answer in
// time, or answers that it cannot serve now (Redis LOADING, BUSY, OOM, READONLY, or any error reply
// to a script). The clients know nothing of HTTP; the router maps this to 503 SERVICE_UNAVAILABLE.
struct BackendUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace marquee
