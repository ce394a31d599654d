// marquee: the one executable. This file only parses the command line and wires subcommands.
#include "app/config.hpp"
#include "app/logging.hpp"
#include "app/runtime.hpp"
#include "app/worker.hpp"
#include "auth/jwt.hpp"
#include "catalog/demo_seed.hpp"
#include "pg/migrations.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace {

constexpr const char* kUsage = R"(marquee — movie-ticket booking backend

Usage:
  marquee serve [--no-jobs]   serve the API (and run the background jobs unless --no-jobs)
  marquee jobs                run only the background jobs
  marquee migrate             apply pending database migrations
  marquee seed-demo           load the demo catalogue (idempotent)
  marquee token --sub USER [--admin] [--ttl SECONDS] [--name NAME] [--email EMAIL]
                              print a signed JWT for local use
  marquee routes              print the API's routes (METHOD /path), one per line
  marquee --help | --version

Configuration comes from the environment: HOST, PORT, DATABASE_URL, REDIS_URL, JWT_SECRET, MARQUEE_ENV,
HOLD_TTL_SECONDS, ORDER_TTL_SECONDS, MAX_SEATS_PER_HOLD, RATE_LIMIT_PER_MINUTE, NOTIFY_SINK,
THREADS, PG_POOL_SIZE, WEB_DIR, LOG_LEVEL (see README.md).
)";

int usage_error(const std::string& message) {
    std::cerr << "marquee: " << message << "\n(run `marquee --help` for usage)\n";
    return 2;
}

int token_command(const marquee::Config& config, int argc, char** argv) {
    marquee::auth::TokenRequest request;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--sub") request.subject = value();
        else if (arg == "--admin") request.admin = true;
        else if (arg == "--name") request.name = value();
        else if (arg == "--email") request.email = value();
        else if (arg == "--ttl") {
            std::string ttl = value();
            char* end = nullptr;
            long seconds = std::strtol(ttl.c_str(), &end, 10);
            if (*end || seconds <= 0 || ttl.empty()) throw std::invalid_argument("--ttl must be a positive number of seconds");
            request.ttl_seconds = seconds;
        } else throw std::invalid_argument("unknown option " + arg);
    }
    if (request.subject.empty() || request.subject.size() > 255)
        throw std::invalid_argument("--sub USER is required (1 to 255 characters)");
    std::cout << marquee::auth::sign_token(request, config.jwt_secret, marquee::now_epoch()) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage_error("a subcommand is required");
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "--version") {
        std::cout << "marquee " << MARQUEE_VERSION << "\n";
        return 0;
    }

    marquee::Config config;
    try {
        config = marquee::load_config([](const char* name) { return std::getenv(name); });
    } catch (const std::invalid_argument& e) {
        std::cerr << "marquee: configuration error: " << e.what() << "\n";
        return 2;
    }

    // Signing or verifying tokens with a published or short secret would let anyone mint them.
    if (command == "serve" || command == "token") {
        if (auto problem = marquee::jwt_secret_problem(config)) {
            std::cerr << "marquee " << command << ": " << *problem << "\n";
            return 2;
        }
    }

    try {
        if (command == "serve") {
            bool jobs = true;
            for (int i = 2; i < argc; ++i) {
                if (std::strcmp(argv[i], "--no-jobs") == 0) jobs = false;
                else return usage_error(std::string("unknown option ") + argv[i]);
            }
            marquee::setup_logging();
            return marquee::run(config, jobs ? marquee::RunMode::ApiAndJobs : marquee::RunMode::ApiOnly);
        }
        if (command == "jobs") {
            if (argc > 2) return usage_error("jobs takes no options");
            marquee::setup_logging();
            return marquee::run(config, marquee::RunMode::JobsOnly);
        }
        if (command == "migrate") {
            int applied = pg::apply_migrations(config.database_url);
            std::cout << "migrations applied: " << applied << "\n";
            return 0;
        }
        if (command == "seed-demo") {
            marquee::catalog::load_demo_catalogue(config.database_url);
            std::cout << "demo catalogue loaded\n";
            return 0;
        }
        if (command == "token") return token_command(config, argc, argv);
        if (command == "routes") {
            for (const auto& route : marquee::route_table(config)) std::cout << route << "\n";
            return 0;
        }
    } catch (const std::invalid_argument& e) {
        return usage_error(e.what());
    } catch (const std::exception& e) {
        std::cerr << "marquee " << command << ": " << e.what() << "\n";
        return 1;
    }
    return usage_error("unknown subcommand '" + command + "'");
}
