#include "common/metrics.hpp"

#include <charconv>

namespace marquee::metrics {

namespace {

std::string braces(const std::string& labels, const std::string& more = "") {
    std::string all = labels;
    if (!more.empty()) all += (all.empty() ? "" : ",") + more;
    return all.empty() ? "" : "{" + all + "}";
}

// The shortest text that reads back as the same double (a sum of seconds after weeks keeps its ms).
std::string number(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

}  // namespace

std::string family_head(const std::string& name, const std::string& help, const std::string& type) {
    return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Histogram::observe(double seconds) {
    std::size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds > 0 ? seconds * 1e6 : 0), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
    std::uint64_t total = 0;
    for (const auto& c : counts_) total += c.load(std::memory_order_relaxed);
    if (total == 0 && !labels.empty()) return;  // a route never asked for: no series yet
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        out += name + "_bucket" + braces(labels, "le=\"" + number(kBounds[i]) + "\"") + " " + std::to_string(cumulative) + "\n";
    }
    cumulative += counts_[kBounds.size()].load(std::memory_order_relaxed);
    out += name + "_bucket" + braces(labels, "le=\"+Inf\"") + " " + std::to_string(cumulative) + "\n";
    out += name + "_sum" + braces(labels) + " " + number(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
    out += name + "_count" + braces(labels) + " " + std::to_string(cumulative) + "\n";
}

void StatusCounters::add(int status) {
    if (status >= 100 && status < 600) by_status_[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
}

void StatusCounters::render(std::string& out, const std::string& name, const std::string& labels) const {
    for (std::size_t s = 100; s < by_status_.size(); ++s)
        if (auto n = by_status_[s].load(std::memory_order_relaxed))
            out += name + braces(labels, "status=\"" + std::to_string(s) + "\"") + " " + std::to_string(n) + "\n";
}

Registry::Entry& Registry::find_or_add(const std::string& name, const std::string& help, const std::string& type,
                                       const std::string& labels) {
    std::lock_guard lock(mutex_);
    for (auto& e : entries_)
        if (e->name == name && e->labels == labels) return *e;
    auto e = std::make_unique<Entry>();
    e->name = name;
    e->help = help;
    e->type = type;
    e->labels = labels;
    entries_.push_back(std::move(e));
    return *entries_.back();
}

Counter& Registry::counter(const std::string& name, const std::string& help, const std::string& labels) {
    Entry& e = find_or_add(name, help, "counter", labels);
    std::lock_guard lock(mutex_);
    if (!e.counter) e.counter = std::make_unique<Counter>();
    return *e.counter;
}

std::vector<Counter*> Registry::counters(const std::string& name, const std::string& help, const std::string& label,
                                        const std::vector<std::string>& values) {
    std::vector<Counter*> out;
    out.reserve(values.size());
    for (const auto& value : values) out.push_back(&counter(name, help, label + "=\"" + value + "\""));
    return out;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const std::string& labels) {
    Entry& e = find_or_add(name, help, "histogram", labels);
    std::lock_guard lock(mutex_);
    if (!e.histogram) e.histogram = std::make_unique<Histogram>();
    return *e.histogram;
}

StatusCounters& Registry::statuses(const std::string& name, const std::string& help, const std::string& labels) {
    Entry& e = find_or_add(name, help, "counter", labels);
    std::lock_guard lock(mutex_);
    if (!e.statuses) e.statuses = std::make_unique<StatusCounters>();
    return *e.statuses;
}

void Registry::gauge(const std::string& name, const std::string& help, std::function<double()> read) {
    Entry& e = find_or_add(name, help, "gauge", "");
    std::lock_guard lock(mutex_);
    e.gauge = std::move(read);
}

std::string Registry::render(const std::string& extra) const {
    std::lock_guard lock(mutex_);
    std::string out;
    // Families in the order first registered, each family's samples together.
    std::vector<std::string> done;
    for (const auto& first : entries_) {
        bool seen = false;
        for (const auto& d : done) seen = seen || d == first->name;
        if (seen) continue;
        done.push_back(first->name);
        out += family_head(first->name, first->help, first->type);
        for (const auto& e : entries_) {
            if (e->name != first->name) continue;
            if (e->counter) out += e->name + braces(e->labels) + " " + std::to_string(e->counter->value()) + "\n";
            if (e->statuses) e->statuses->render(out, e->name, e->labels);
            if (e->histogram) e->histogram->render(out, e->name, e->labels);
            if (e->gauge) out += e->name + braces(e->labels) + " " + number(e->gauge()) + "\n";
        }
    }
    return out + extra;
}

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace marquee::metrics
