#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace marquee {

// The names of an enum's values as clients and the database spell them, in declaration order: the
// one place where a status is turned into text and back.
template <class E, std::size_t N> struct EnumNames {
    std::array<std::string_view, N> names;

    constexpr std::string_view operator()(E value) const { return names[static_cast<std::size_t>(value)]; }
    constexpr std::optional<E> parse(std::string_view text) const {
        for (std::size_t i = 0; i < N; ++i)
            if (names[i] == text) return static_cast<E>(i);
        return std::nullopt;
    }
};

}  // namespace marquee
