// The compiled part of Asio, built once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION in
// CMakeLists.txt). It lives in common because every module that does I/O (pg, redis, http) runs on
// Asio; Beast's compiled part is in http, the only module that speaks HTTP.
#include <boost/asio/impl/src.hpp>
