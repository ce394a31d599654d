#pragma once
#include <boost/json/object.hpp>

#include <memory>
#include <string>

namespace marquee::jobs {

// Where delivered events go (NOTIFY_SINK). deliver() may block (files, SMTP): the outbox job calls
// it on a thread of its own, never on an I/O thread. It throws to report a failed delivery.
class NotificationSink {
public:
    virtual ~NotificationSink() = default;
    virtual void deliver(const std::string& event_type, const boost::json::object& payload,
                         const std::string& payload_json) = 0;
};

// "log", "file:/abs/path" or "smtp://host:port" (validated by the configuration already).
std::unique_ptr<NotificationSink> make_sink(const std::string& spec);

// The e-mail a person receives for an event: headers and a plain-text body.
std::string compose_email(const std::string& event_type, const boost::json::object& payload, const std::string& from);

}  // namespace marquee::jobs
