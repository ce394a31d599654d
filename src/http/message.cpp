#include "http/message.hpp"

#include "common/json_writer.hpp"

namespace marquee::http {

Response error_response(int status, std::string_view code, std::string_view message) {
    Response r;
    r.status = status;
    JsonWriter w(r.body);
    w.begin_object().key("error").begin_object();
    w.key("message").string(message);
    w.key("code").string(code);
    w.end_object().end_object();
    return r;
}

Response json_response(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

}  // namespace marquee::http
