#pragma once
#include "http/message.hpp"
#include "http/router.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace marquee::web {

// The browser app: the files of one folder (WEB_DIR, the repository's web/), served at the site's
// root beside the API. In production every file is read once at start and served from memory (no
// disk reads on the event loop); with `reload` (development) a file is read afresh on each request so
// that edits show on the next page load. Only files found under the folder can be served: a path
// is looked up, never joined to the folder, so nothing outside it is reachable.
class StaticSite {
public:
    // Reads the folder (missing: a site with no files, and a warning). Shared by every worker.
    static std::shared_ptr<const StaticSite> load(const std::filesystem::path& root, bool reload);

    // The file a GET or HEAD of `request.path` names, or nullopt when the site has none (the
    // router then answers 404). 304 when the client's If-None-Match already names its version.
    std::optional<http::Response> serve(const http::Request& request) const;

    std::size_t file_count() const { return files_.size(); }

    // A site with no files (every path: nullopt).
    StaticSite() = default;

private:
    struct File {
        std::string content_type;
        std::string body;
        std::string etag;
    };
    // The file behind a URL path, relative to the root ("index.html"); empty when it cannot be one.
    static std::string file_name_for(const std::string& url_path);
    static std::optional<File> read(const std::filesystem::path& path);

    std::filesystem::path root_;
    bool reload_ = false;
    std::map<std::string, File, std::less<>> files_;
};

// Serves `site` from `router`: the API's own documents as routes of the API (GET /api/openapi.yaml,
// the OpenAPI description, and GET /api/docs, the reference page that renders it), every other file
// as the fallback for paths no route takes.
void add_site_routes(http::Router& router, std::shared_ptr<const StaticSite> site);

}  // namespace marquee::web
