#pragma once
#include <string>

namespace marquee::catalog {

// Loads the demo catalogue: six movies with cast and crew, five theatres in Bengaluru, Mumbai and
// Hyderabad with two screens each, and four shows a day on every screen for the next 7 days.
// Idempotent: fixed ids and ON CONFLICT DO NOTHING (the show overlap constraint included) make a
// second run add only the shows of days that were not covered yet. Blocking (a CLI command).
void load_demo_catalogue(const std::string& database_url);

}  // namespace marquee::catalog
