#pragma once
// Process-wide metrics in Prometheus's text format (GET /metrics; docs/operations.md lists them).
// Counters and histograms are lock-free atomics, safe to bump from any worker thread; a metric is
// registered once (a mutex guards only the registry) and its reference kept by whoever bumps it.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace marquee::metrics {

class Counter {
public:
    void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

// Durations in seconds, in fixed buckets from 1 ms to 10 s.
class Histogram {
public:
    static constexpr std::array<double, 13> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
    void observe(double seconds);
    // Appends this histogram's lines (`name` with `labels`, e.g. `route="/x"`) to `out`.
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts_{};  // the last: above every bound
    std::atomic<std::uint64_t> sum_micros_{0};
};

// Counters by HTTP status (100–599), for one route: a status is an index, not a lookup.
class StatusCounters {
public:
    void add(int status);
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::array<std::atomic<std::uint64_t>, 600> by_status_{};
};

class Registry {
public:
    // The same name and labels give the same metric. `labels`: Prometheus label pairs without braces,
    // e.g. `outcome="granted"` (or "" for none).
    Counter& counter(const std::string& name, const std::string& help, const std::string& labels = "");
    // One counter for each of `values` of the label `label` (outcome="granted", …), in that order: the
    // caller keeps them and bumps them on its hot path without the registry's lock.
    std::vector<Counter*> counters(const std::string& name, const std::string& help, const std::string& label,
                                   const std::vector<std::string>& values);
    Histogram& histogram(const std::string& name, const std::string& help, const std::string& labels = "");
    StatusCounters& statuses(const std::string& name, const std::string& help, const std::string& labels);
    // A gauge read when rendered (e.g. requests in flight).
    void gauge(const std::string& name, const std::string& help, std::function<double()> read);

    // Everything, in the text format (# HELP, # TYPE, then the samples, one family at a time).
    // `extra` is appended as it is: families measured at scrape time by the caller.
    std::string render(const std::string& extra = "") const;

private:
    struct Entry {
        std::string name, help, type, labels;
        std::unique_ptr<Counter> counter;
        std::unique_ptr<Histogram> histogram;
        std::unique_ptr<StatusCounters> statuses;
        std::function<double()> gauge;
    };
    Entry& find_or_add(const std::string& name, const std::string& help, const std::string& type,
                       const std::string& labels);
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Entry>> entries_;
};

// The process's registry.
Registry& registry();

// One family's # HELP and # TYPE lines, for metrics rendered by hand (Registry::render's `extra`).
std::string family_head(const std::string& name, const std::string& help, const std::string& type);

}  // namespace marquee::metrics
