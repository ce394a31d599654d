#include "jobs/notification_sink.hpp"

#include "auth/jwt.hpp"
#include "common/text.hpp"
#include "common/time.hpp"

#include <boost/url/parse.hpp>
#include <curl/curl.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <stdexcept>

namespace marquee::jobs {

namespace {

// A header value never breaks its line (a title stored with a line break must not add headers).
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\r' || c == '\n') c = ' ';
    return text;
}

std::string text_of(const boost::json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return "";
    if (v->is_string()) return std::string(v->as_string());
    return boost::json::serialize(*v);
}

class LogSink final : public NotificationSink {
public:
    void deliver(const std::string&, const std::string& event_type, const boost::json::object&,
                 const std::string& payload_json) override {
        spdlog::info("notification {}: {}", event_type, payload_json);
    }
};

// One JSON object per line, appended and flushed to disk before the event counts as delivered.
class FileSink final : public NotificationSink {
public:
    explicit FileSink(std::string path) : path_(std::move(path)) {}
    void deliver(const std::string&, const std::string&, const boost::json::object&,
                 const std::string& payload_json) override {
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
        std::string line = payload_json + "\n";
        // O_APPEND and one write per line: lines from several processes never interleave.
        ssize_t n = ::write(fd, line.data(), line.size());
        int err = errno;
        bool synced = ::fsync(fd) == 0;
        ::close(fd);
        if (n != static_cast<ssize_t>(line.size()) || !synced)
            throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
    }

private:
    std::string path_;
};

class SmtpSink final : public NotificationSink {
public:
    explicit SmtpSink(std::string url) : url_(std::move(url)) { curl_global_init(CURL_GLOBAL_DEFAULT); }

    void deliver(const std::string&, const std::string& event_type, const boost::json::object& payload,
                 const std::string&) override {
        std::string to = text_of(payload, "email");
        if (to.empty()) return;  // nobody to write to (a show cancelled with no bookings)
        std::string message = compose_email(event_type, payload, kFrom);
        std::size_t sent = 0;
        auto read = +[](char* buffer, size_t size, size_t count, void* user) -> size_t {
            auto* state = static_cast<std::pair<std::string*, std::size_t*>*>(user);
            std::size_t left = state->first->size() - *state->second;
            std::size_t n = std::min(left, size * count);
            std::memcpy(buffer, state->first->data() + *state->second, n);
            *state->second += n;
            return n;
        };
        std::pair<std::string*, std::size_t*> state{&message, &sent};

        CURL* curl = curl_easy_init();
        if (!curl) throw std::runtime_error("libcurl could not start");
        curl_slist* recipients = curl_slist_append(nullptr, ("<" + to + ">").c_str());
        curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, "<noreply@marquee.local>");
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read);
        curl_easy_setopt(curl, CURLOPT_READDATA, &state);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        CURLcode rc = curl_easy_perform(curl);
        curl_slist_free_all(recipients);
        curl_easy_cleanup(curl);
        if (rc != CURLE_OK) throw std::runtime_error(std::string("SMTP delivery failed: ") + curl_easy_strerror(rc));
    }

private:
    static constexpr const char* kFrom = "Marquee <noreply@marquee.local>";
    std::string url_;
};

// Each event POSTed as its JSON, signed (webhook_signature) so the receiver can tell it came from
// here, and when: a receiver refuses a signature older than a few minutes (a replay) and dedupes by
// X-Marquee-Event-Id (a retry). Any answer but 2xx, or none within 10 s, is a failed delivery.
class WebhookSink final : public NotificationSink {
public:
    WebhookSink(std::string url, std::string secret) : url_(std::move(url)), secret_(std::move(secret)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
    }

    void deliver(const std::string& event_id, const std::string& event_type, const boost::json::object&,
                 const std::string& payload_json) override {
        CURL* curl = curl_easy_init();
        if (!curl) throw std::runtime_error("libcurl could not start");
        curl_slist* headers = nullptr;
        auto add = [&](const std::string& h) { headers = curl_slist_append(headers, h.c_str()); };
        add("Content-Type: application/json");
        add("User-Agent: Marquee-Webhooks/1");
        add("X-Marquee-Event: " + one_line(event_type));
        add("X-Marquee-Event-Id: " + one_line(event_id));
        add("X-Marquee-Signature: " + webhook_signature(secret_, static_cast<long long>(std::time(nullptr)), event_id, payload_json));
        curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload_json.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload_json.size()));
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        if (rc != CURLE_OK) throw std::runtime_error(std::string("webhook delivery failed: ") + curl_easy_strerror(rc));
        if (status < 200 || status > 299)
            throw std::runtime_error("webhook answered HTTP " + std::to_string(status));
    }

private:
    static std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }
    std::string url_;
    std::string secret_;
};

std::string rfc2822_now() {
    char buf[64];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

}  // namespace

std::string compose_email(const std::string& event_type, const boost::json::object& p, const std::string& from) {
    std::string movie = text_of(p, "movie"), ticket = text_of(p, "ticketCode");
    std::string subject, opening;
    if (event_type == "order.created") {
        subject = "Complete your booking for " + movie;
        opening = "Your seats are reserved. Please complete the payment to confirm your booking.";
    } else if (event_type == "order.confirmed") {
        subject = "Your tickets for " + movie + " (" + ticket + ")";
        opening = "Your booking is confirmed. Show this ticket code at the cinema.";
    } else if (event_type == "order.cancelled") {
        subject = "Booking cancelled: " + movie;
        opening = "Your booking was cancelled and the seats released. Nothing was charged.";
    } else if (event_type == "order.refunded") {
        subject = "Booking refunded: " + movie;
        opening = "Your booking was cancelled and the amount below will be refunded.";
    } else if (event_type == "order.expired") {
        subject = "Booking expired: " + movie;
        opening = "The payment window for your booking passed, so the seats were released.";
    } else if (event_type == "show.cancelled") {
        subject = "Show cancelled: " + movie;
        opening = "We are sorry: the cinema cancelled this show. Your booking was cancelled, and any payment "
                  "will be refunded.";
    } else {
        subject = "Update on your booking";
        opening = "There is an update on your booking.";
    }
    std::string seats;
    if (auto* list = p.if_contains("seats"); list && list->is_array())
        for (const auto& s : list->as_array()) seats += (seats.empty() ? "" : ", ") + std::string(s.as_string());
    std::string name = text_of(p, "name");

    std::string m;
    m += "From: " + from + "\r\n";
    m += "To: <" + one_line(text_of(p, "email")) + ">\r\n";
    m += "Subject: " + one_line(subject) + "\r\n";
    m += "Date: " + rfc2822_now() + "\r\n";
    m += "Message-ID: <" + random_uuid() + "@marquee.local>\r\n";
    m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
    m += "Hello" + (name.empty() ? std::string() : " " + name) + ",\r\n\r\n" + opening + "\r\n\r\n";
    m += "  Movie:    " + movie + "\r\n";
    m += "  Theatre:  " + text_of(p, "theatre");
    if (std::string address = text_of(p, "theatreAddress"); !address.empty()) m += ", " + address;
    m += "\r\n  When:     " + text_of(p, "startTime") + " (" + text_of(p, "timezone") + ")\r\n";
    m += "  Seats:    " + seats + "\r\n";
    m += "  Amount:   " + text_of(p, "amount") + "\r\n";
    if (!ticket.empty()) m += "  Ticket:   " + ticket + "\r\n";
    m += "  Order:    " + text_of(p, "orderId") + "\r\n\r\nEnjoy the show,\r\nMarquee\r\n";
    return m;
}

std::vector<std::string> sink_specs(const std::string& spec) {
    std::vector<std::string> out;
    std::size_t from = 0;
    for (;;) {
        auto comma = spec.find(',', from);
        std::string part = spec.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        while (!part.empty() && part.front() == ' ') part.erase(part.begin());
        while (!part.empty() && part.back() == ' ') part.pop_back();
        if (!part.empty()) out.push_back(std::move(part));
        if (comma == std::string::npos) return out;
        from = comma + 1;
    }
}

std::string webhook_signature(const std::string& secret, long long unix_seconds, const std::string& event_id,
                              const std::string& body) {
    std::string t = std::to_string(unix_seconds);
    std::string mac = auth::hmac_sha256(secret, t + "." + event_id + "." + body);
    static const char* hex = "0123456789abcdef";
    std::string out = "t=" + t + ",v1=";
    for (unsigned char c : mac) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::string sink_identity(const std::string& spec) {
    std::string kind, target = spec;
    if (spec.rfind("webhook:", 0) == 0) kind = "webhook:", target = spec.substr(8);
    auto url = boost::urls::parse_uri(target);
    if (!url) return spec;  // log
    std::string name = kind + std::string(url->scheme()) + ":";
    if (url->has_authority()) name += "//" + std::string(url->encoded_host_and_port());
    return name + std::string(url->encoded_path());
}

std::vector<NamedSink> make_sinks(const std::string& spec, const std::string& webhook_secret) {
    auto one = [&](const std::string& s) -> std::unique_ptr<NotificationSink> {
        if (s.rfind("file:", 0) == 0) return std::make_unique<FileSink>(s.substr(5));
        if (s.rfind("smtp://", 0) == 0) return std::make_unique<SmtpSink>(s);
        if (s.rfind("webhook:", 0) == 0) return std::make_unique<WebhookSink>(s.substr(8), webhook_secret);
        return std::make_unique<LogSink>();
    };
    std::vector<NamedSink> sinks;
    for (const auto& s : sink_specs(spec)) sinks.push_back({sink_identity(s), one(s)});
    return sinks;
}

}  // namespace marquee::jobs
