# Writes a C++ file defining `const std::vector<TYPE>& NAMESPACE::FUNCTION()`: one {name, text} per
# file of FILES (name = file name without extension), in the order given.
set(content "#include \"${HEADER}\"\nnamespace ${NAMESPACE} {\nconst std::vector<${TYPE}>& ${FUNCTION}() {\n  static const std::vector<${TYPE}> all = {\n")
foreach(file ${FILES})
  get_filename_component(name ${file} NAME_WE)
  file(READ ${file} text)
  string(APPEND content "    {\"${name}\", R\"MQEMBED(${text})MQEMBED\"},\n")
endforeach()
string(APPEND content "  };\n  return all;\n}\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT} "${content}")
