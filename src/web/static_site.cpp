#include "web/static_site.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>

namespace marquee::web {

namespace fs = std::filesystem;

namespace {

// Files larger than this are not part of a web app (the vendored API reference is about 1 MiB).
constexpr std::uintmax_t kMaxFileBytes = 8u << 20;

// Pages that have a name of their own rather than their file's.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kAliases{{
    {"/", "index.html"},
    {"/admin", "admin.html"},
    {"/api/docs", "api-docs.html"},
    {"/api/openapi.yaml", "openapi.yaml"},
}};

std::string content_type_of(const fs::path& path) {
    static const std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".yaml", "application/yaml; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    }};
    std::string ext = path.extension().string();
    for (const auto& [e, type] : kTypes)
        if (ext == e) return std::string(type);
    return "application/octet-stream";
}

// FNV-1a: the same bytes give the same tag in every instance behind a load balancer.
std::string etag_of(std::string_view body) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : body) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char out[40];
    std::snprintf(out, sizeof out, "\"%016llx-%zx\"", static_cast<unsigned long long>(h), body.size());
    return out;
}

// Pages may run only their own scripts and talk only to their own origin: nothing from elsewhere is
// loaded, whatever a movie's data holds. Inline styles are allowed for the vendored API reference.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

}  // namespace

std::shared_ptr<const StaticSite> StaticSite::load(const fs::path& root, bool reload) {
    auto site = std::make_shared<StaticSite>();
    site->root_ = root;
    site->reload_ = reload;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        spdlog::warn("WEB_DIR {} is not a folder: the web app is not served", root.string());
        return site;
    }
    for (fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        // Lexically: fs::relative would resolve a symlink (web/openapi.yaml → docs/) out of the folder.
        std::string name = it->path().lexically_relative(root).generic_string();
        if (file_name_for("/" + name) != name) continue;  // hidden files and the like
        if (auto file = read(it->path())) site->files_.emplace(std::move(name), std::move(*file));
    }
    spdlog::info("web app: {} files from {}{}", site->files_.size(), root.string(),
                 reload ? " (re-read on every request: development)" : "");
    return site;
}

std::string StaticSite::file_name_for(const std::string& url_path) {
    for (const auto& [alias, file] : kAliases)
        if (url_path == alias) return std::string(file);
    if (url_path.size() < 2 || url_path.front() != '/' || url_path.back() == '/') return "";
    // Every segment a plain name: no "..", no hidden files, no empty segments, no backslashes.
    std::string_view rest(url_path);
    rest.remove_prefix(1);
    for (std::size_t start = 0; start <= rest.size();) {
        std::size_t end = rest.find('/', start);
        if (end == std::string_view::npos) end = rest.size();
        std::string_view segment = rest.substr(start, end - start);
        if (segment.empty() || segment.front() == '.') return "";
        for (char c : segment)
            if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return "";
        start = end + 1;
    }
    return std::string(rest);
}

std::optional<StaticSite::File> StaticSite::read(const fs::path& path) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec || size > kMaxFileBytes) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream body;
    body << in.rdbuf();
    File file{content_type_of(path), std::move(body).str(), ""};
    file.etag = etag_of(file.body);
    return file;
}

std::optional<http::Response> StaticSite::serve(const http::Request& request) const {
    std::string name = file_name_for(request.path);
    if (name.empty()) return std::nullopt;
    std::optional<File> fresh;
    const File* file = nullptr;
    if (reload_) {
        fresh = read(root_ / name);
        file = fresh ? &*fresh : nullptr;
    } else if (auto it = files_.find(name); it != files_.end()) {
        file = &it->second;
    }
    if (!file) return std::nullopt;

    http::Response response;
    response.headers.emplace_back("Content-Type", file->content_type);
    response.headers.emplace_back("ETag", file->etag);
    // Not fingerprinted: browsers revalidate every time, which costs a 304 when nothing changed.
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (file->content_type.starts_with("text/html")) {
        response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
        response.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
    if (request.if_none_match == file->etag) {
        response.status = 304;
        return response;
    }
    response.body = file->body;
    return response;
}

void add_site_routes(http::Router& router, std::shared_ptr<const StaticSite> site) {
    auto document = [site](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
        if (auto response = site->serve(ctx.request)) co_return std::move(*response);
        co_return http::error_response(404, "NOT_FOUND", "this server has no web files (WEB_DIR)");
    };
    router.add(http::Method::Get, "/api/openapi.yaml", http::Access::Public, document);
    router.add(http::Method::Get, "/api/docs", http::Access::Public, document);
    router.set_fallback([site](const http::Request& r) { return site->serve(r); });
}

}  // namespace marquee::web
