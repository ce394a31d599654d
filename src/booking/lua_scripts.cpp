#include "booking/lua_scripts.hpp"

#include <stdexcept>
#include <string>

namespace marquee::booking {

std::string_view lua_source(std::string_view name) {
    for (const auto& s : embedded_lua_scripts())
        if (name == s.name) return s.text;
    throw std::out_of_range("no embedded Lua script named " + std::string(name));
}

}  // namespace marquee::booking
