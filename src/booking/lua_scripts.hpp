#pragma once
#include <string_view>
#include <vector>

namespace marquee::booking {

// A Lua file of src/booking/lua/, embedded at build time.
struct LuaSource {
    const char* name;  // file name without .lua
    const char* text;
};

const std::vector<LuaSource>& embedded_lua_scripts();

// The text of one embedded script; throws std::out_of_range for an unknown name.
std::string_view lua_source(std::string_view name);

}  // namespace marquee::booking
