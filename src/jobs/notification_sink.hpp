#pragma once
#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace marquee::jobs {

// Where delivered events go (NOTIFY_SINK). deliver() may block (files, SMTP): the outbox job calls
// it on a thread of its own, never on an I/O thread. It throws to report a failed delivery.
class NotificationSink {
public:
    virtual ~NotificationSink() = default;
    // `event_id` is the outbox event's: the same on every retry of it (a receiver's dedupe key).
    virtual void deliver(const std::string& event_id, const std::string& event_type, const boost::json::object& payload,
                         const std::string& payload_json) = 0;
};

// One of NOTIFY_SINK's sinks, with the name the outbox records it by once it has an event
// (outbox.delivered_to), so a retry goes only to the sinks that have not had it.
struct NamedSink {
    std::string name;  // sink_identity of its entry
    std::unique_ptr<NotificationSink> sink;
};

// A sink's name: its kind and where it delivers, without credentials or query ("smtp://u:p@mail:25"
// is "smtp://mail:25", "webhook:https://h/p?token=…" is "webhook:https://h/p"). A password or a token
// is not copied into the events, and rotating one does not make a new sink that gets them again.
std::string sink_identity(const std::string& spec);

// NOTIFY_SINK: one sink or several, comma-separated, each "log", "file:/abs/path",
// "smtp://host:port" or "webhook:https://…" (validated by the configuration already), in order.
// Webhooks are signed with `webhook_secret`. Each sink gets every event at least once; a receiver
// that must see it exactly once dedupes by event id.
std::vector<NamedSink> make_sinks(const std::string& spec, const std::string& webhook_secret);

// The sinks of a NOTIFY_SINK value, in order.
std::vector<std::string> sink_specs(const std::string& spec);

// The X-Marquee-Signature header of a webhook: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<event id>.<body>" under the secret>" (docs/api-notes.md, "Webhooks"): the event id (the
// receiver's dedupe key) is signed too, so a captured delivery cannot be replayed under another id.
std::string webhook_signature(const std::string& secret, long long unix_seconds, const std::string& event_id,
                              const std::string& body);

// The e-mail a person receives for an event: headers and a plain-text body.
std::string compose_email(const std::string& event_type, const boost::json::object& payload, const std::string& from);

}  // namespace marquee::jobs
