#include "pg/connection.hpp"

#include "common/metrics.hpp"

#include "common/errors.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>

namespace asio = boost::asio;

namespace pg {

Connection::Connection(asio::any_io_executor executor, std::string url)
    : executor_(std::move(executor)), url_(std::move(url)) {}

Connection::~Connection() { close(); }

void Connection::close() {
    if (socket_) {
        // The descriptor belongs to libpq: stop watching it, but let PQfinish close it.
        socket_->release();
        socket_.reset();
    }
    watched_fd_ = -1;
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    busy_ = false;
    prepared_.clear();
}

namespace {
// (docs/operations.md) Statements sent, and those that failed: refused by the server (a constraint,
// a timeout) or lost with their connection.
marquee::metrics::Counter& statements_sent() {
    static auto& c = marquee::metrics::registry().counter("marquee_pg_statements_total", "PostgreSQL statements sent");
    return c;
}
marquee::metrics::Counter& statement_errors(const char* kind) {
    return marquee::metrics::registry().counter("marquee_pg_errors_total",
                                                "PostgreSQL statements that failed, by kind",
                                                std::string("kind=\"") + kind + "\"");
}
// Registered at start, so a scrape shows them (at 0) before anything failed.
marquee::metrics::Counter& connection_lost = statement_errors("connection");
marquee::metrics::Counter& server_refused = statement_errors("server");
}  // namespace

void Connection::fail(const std::string& what) {
    connection_lost.add();
    std::string detail = conn_ ? PQerrorMessage(conn_) : "";
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    close();
    throw marquee::BackendUnavailable("PostgreSQL " + what + (detail.empty() ? "" : ": " + detail));
}

bool Connection::in_transaction() const {
    return conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

void Connection::watch_current_socket() {
    int fd = PQsocket(conn_);
    if (fd == watched_fd_) return;
    if (socket_) {
        socket_->release();
        socket_.reset();
    }
    if (fd < 0) fail("connection has no socket");
    socket_.emplace(executor_, fd);
    watched_fd_ = fd;
}

asio::awaitable<void> Connection::wait(bool for_write, Clock::time_point deadline) {
    // A timer that cancels the wait when the deadline passes; `done` tells a late timer not to
    // cancel a wait that already completed.
    auto done = std::make_shared<bool>(false);
    auto* socket = &*socket_;
    asio::steady_timer timer(executor_, deadline);
    timer.async_wait([done, socket](const boost::system::error_code& ec) {
        if (!ec && !*done) socket->cancel();
    });
    boost::system::error_code ec;
    co_await socket_->async_wait(for_write ? asio::posix::stream_descriptor::wait_write
                                           : asio::posix::stream_descriptor::wait_read,
                                 asio::redirect_error(asio::use_awaitable, ec));
    *done = true;
    if (ec) fail(Clock::now() >= deadline ? "did not answer in time" : "connection lost");
}

namespace {

std::vector<std::string> split_list(const std::string& list) {
    std::vector<std::string> items;
    std::size_t start = 0;
    for (;;) {
        auto comma = list.find(',', start);
        items.push_back(list.substr(start, comma - start));
        if (comma == std::string::npos) return items;
        start = comma + 1;
    }
}

std::string join_list(const std::vector<std::string>& items) {
    std::string list;
    for (const auto& item : items) list += (list.empty() ? "" : ",") + item;
    return list;
}

// Empty (libpq's default socket), a socket directory or an abstract socket: nothing to look up.
bool is_socket(const std::string& host) { return host.empty() || host.front() == '/' || host.front() == '@'; }

bool is_address_or_socket(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return is_socket(host) || !ec;
}

}  // namespace

asio::awaitable<asio::ip::tcp::resolver::results_type> Connection::lookup(const std::string& host, const std::string& port,
                                                                         Clock::time_point deadline) {
    // getaddrinfo cannot be interrupted: Asio runs it to its end on the resolver's thread. So the
    // lookup runs on its own, holding what it writes to, and this waits for it or for the deadline,
    // whichever comes first; a lookup that answers late is dropped.
    struct Outcome {
        boost::system::error_code ec;
        asio::ip::tcp::resolver::results_type results;
        bool done = false;
    };
    auto outcome = std::make_shared<Outcome>();
    auto wake = std::make_shared<asio::steady_timer>(executor_, deadline);
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(executor_);
    resolver->async_resolve(host, port, [outcome, wake, resolver](const boost::system::error_code& ec, auto results) {
        outcome->ec = ec;
        outcome->results = std::move(results);
        outcome->done = true;
        wake->cancel();
    });
    boost::system::error_code ignored;
    co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (!outcome->done) throw marquee::BackendUnavailable("PostgreSQL host name " + host + " took too long to resolve");
    if (outcome->ec) co_return asio::ip::tcp::resolver::results_type();
    co_return outcome->results;
}

asio::awaitable<std::optional<Connection::ResolvedHosts>> Connection::resolve_hosts(Clock::time_point deadline) {
    // libpq calls getaddrinfo inside PQconnectStart and PQconnectPoll, on this thread: a slow DNS
    // server would stop every request this loop serves. So names are looked up here, by Asio's
    // resolver (which runs getaddrinfo on a thread of its own), and handed to libpq as `hostaddr`
    // next to the `host` they came from (still used for TLS and the password file). A host with
    // several addresses becomes several entries, tried in order as libpq would have.
    PQconninfoOption* options = PQconninfoParse(url_.c_str(), nullptr);
    if (!options) fail("connection settings cannot be read");
    std::string hosts, hostaddrs, ports;
    for (auto* o = options; o->keyword; ++o) {
        std::string_view keyword = o->keyword;
        std::string value = o->val ? o->val : "";
        if (keyword == "host") hosts = value;
        else if (keyword == "hostaddr") hostaddrs = value;
        else if (keyword == "port") ports = value;
    }
    PQconninfoFree(options);
    if (!hostaddrs.empty() || hosts.empty()) co_return std::nullopt;
    auto host_list = split_list(hosts);
    if (std::all_of(host_list.begin(), host_list.end(), is_address_or_socket)) co_return std::nullopt;
    // Without a port in the URL libpq's own default applies (PGPORT, else 5432): no port is passed.
    auto port_list = split_list(ports.empty() ? "5432" : ports);
    if (port_list.size() != 1 && port_list.size() != host_list.size()) co_return std::nullopt;  // libpq reports it

    ResolvedHosts resolved;
    std::vector<std::string> out_hosts, out_addrs, out_ports;
    for (std::size_t i = 0; i < host_list.size(); ++i) {
        const auto& host = host_list[i];
        const auto& port = port_list.size() == 1 ? port_list[0] : port_list[i];
        if (is_address_or_socket(host)) {
            out_hosts.push_back(host);
            out_addrs.push_back(is_socket(host) ? "" : host);
            out_ports.push_back(port);
            continue;
        }
        // Like libpq: a host that does not resolve is skipped, the next one tried.
        auto results = co_await lookup(host, port, deadline);
        for (const auto& entry : results) {
            out_hosts.push_back(host);
            out_addrs.push_back(entry.endpoint().address().to_string());
            out_ports.push_back(port);
        }
    }
    if (out_hosts.empty()) throw marquee::BackendUnavailable("PostgreSQL host name cannot be resolved: " + hosts);
    resolved.host = join_list(out_hosts);
    resolved.hostaddr = join_list(out_addrs);
    if (!ports.empty()) resolved.port = join_list(out_ports);
    co_return resolved;
}

asio::awaitable<void> Connection::connect(Clock::time_point deadline) {
    close();
    auto resolved = co_await resolve_hosts(deadline);
    // Session settings travel in the start-up packet, costing no extra round trip. Keywords after
    // `dbname` (the whole URL, expanded by libpq) override what the URL says.
    // The URL's own `options` (settings an operator passes, say) come after ours, so they add to
    // them and win where both set the same thing.
    std::string session_options = "-c statement_timeout=5000 -c TimeZone=UTC";
    if (PQconninfoOption* parsed = PQconninfoParse(url_.c_str(), nullptr)) {
        for (auto* o = parsed; o->keyword; ++o)
            if (std::string_view(o->keyword) == "options" && o->val && *o->val) session_options += std::string(" ") + o->val;
        PQconninfoFree(parsed);
    }
    std::vector<const char*> keywords = {"dbname", "options", "application_name"};
    std::vector<const char*> values = {url_.c_str(), session_options.c_str(), "marquee"};
    if (resolved) {
        keywords.insert(keywords.end(), {"host", "hostaddr"});
        values.insert(values.end(), {resolved->host.c_str(), resolved->hostaddr.c_str()});
        if (!resolved->port.empty()) {
            keywords.push_back("port");
            values.push_back(resolved->port.c_str());
        }
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectStartParams(keywords.data(), values.data(), 1);
    if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) fail("connection failed");
    for (;;) {
        PostgresPollingStatusType status = PQconnectPoll(conn_);
        if (status == PGRES_POLLING_OK) break;
        if (status == PGRES_POLLING_FAILED) fail("connection failed");
        // libpq may open a new socket while it tries the next address.
        watch_current_socket();
        co_await wait(status == PGRES_POLLING_WRITING, deadline);
    }
    if (PQsetnonblocking(conn_, 1) != 0) fail("could not switch to non-blocking mode");
    watch_current_socket();
}

asio::awaitable<void> Connection::flush(Clock::time_point deadline) {
    for (;;) {
        int r = PQflush(conn_);
        if (r == 0) co_return;
        if (r < 0) fail("connection lost while sending");
        co_await wait(true, deadline);
    }
}

asio::awaitable<Result> Connection::collect(Clock::time_point deadline) {
    std::optional<Error> error;
    Result last;
    for (;;) {
        // Read before deciding to wait: the reactor is edge-triggered, so bytes that arrived while
        // no wait was pending would otherwise never wake us.
        for (;;) {
            if (PQconsumeInput(conn_) == 0) fail("connection lost while reading");
            if (!PQisBusy(conn_)) break;
            co_await wait(false, deadline);
        }
        PGresult* r = PQgetResult(conn_);
        if (!r) break;
        Result result(r);
        ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
            if (!error) {
                auto field = [r](int code) {
                    const char* v = PQresultErrorField(r, code);
                    return std::string(v ? v : "");
                };
                error.emplace(field(PG_DIAG_MESSAGE_PRIMARY), field(PG_DIAG_SQLSTATE), field(PG_DIAG_CONSTRAINT_NAME));
            }
        } else {
            last = std::move(result);
        }
    }
    if (PQstatus(conn_) == CONNECTION_BAD) fail("connection lost");
    busy_ = false;
    if (error) {
        server_refused.add();
        // Class 57 (operator intervention: statement timeout, shutdown) and 08 (connection) mean the
        // server could not serve us, not that the statement was wrong.
        if (error->sqlstate.rfind("57", 0) == 0 || error->sqlstate.rfind("08", 0) == 0) {
            if (error->sqlstate != "57014") close();
            throw marquee::BackendUnavailable("PostgreSQL: " + std::string(error->what()));
        }
        throw *error;
    }
    co_return last;
}

asio::awaitable<Result> Connection::execute(const Statement& statement, const std::vector<Param>& params) {
    if (!conn_) throw marquee::BackendUnavailable("PostgreSQL connection is closed");
    statements_sent().add();
    auto deadline = Clock::now() + kStatementDeadline;
    busy_ = true;
    if (!prepared_.contains(statement.name)) {
        if (!PQsendPrepare(conn_, statement.name, statement.sql, 0, nullptr)) fail("could not send a statement");
        co_await flush(deadline);
        co_await collect(deadline);
        busy_ = true;
        prepared_.insert(statement.name);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    if (!PQsendQueryPrepared(conn_, statement.name, static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0))
        fail("could not send a statement");
    co_await flush(deadline);
    co_return co_await collect(deadline);
}

asio::awaitable<Result> Connection::simple(const char* sql) {
    if (!conn_) throw marquee::BackendUnavailable("PostgreSQL connection is closed");
    statements_sent().add();
    auto deadline = Clock::now() + kStatementDeadline;
    busy_ = true;
    if (!PQsendQuery(conn_, sql)) fail("could not send a statement");
    co_await flush(deadline);
    co_return co_await collect(deadline);
}

}  // namespace pg
