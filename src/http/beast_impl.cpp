// The compiled part of Beast, built once for the whole program (BOOST_BEAST_SEPARATE_COMPILATION in
// CMakeLists.txt).
#include <boost/beast/src.hpp>
