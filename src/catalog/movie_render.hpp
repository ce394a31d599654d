#pragma once
#include "catalog/movie_store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace marquee::catalog {

// The JSON of the movie answers (docs/api.md §4). The response cache keeps these bytes, so a change
// here reaches readers of a cached page only when it expires.

// A page of the public list, from `movies` as MovieStore::list fetched them (up to limit + 1).
std::string render_movie_list(MovieOrder order, std::int64_t limit, const std::vector<MovieSummary>& movies);

// A movie's page; also the answer to an admin write.
std::string render_movie_details(const MovieDetails& movie);

}  // namespace marquee::catalog
