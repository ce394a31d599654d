# Writes a C++ file holding every migration as a (name, sql) pair, in file-name order.
set(content "#include \"pg/migrations.hpp\"\nnamespace pg {\nconst std::vector<Migration>& embedded_migrations() {\n  static const std::vector<Migration> all = {\n")
foreach(file ${FILES})
  get_filename_component(name ${file} NAME_WE)
  file(READ ${file} sql)
  string(APPEND content "    {\"${name}\", R\"MQSQL(${sql})MQSQL\"},\n")
endforeach()
string(APPEND content "  };\n  return all;\n}\n}  // namespace pg\n")
file(WRITE ${OUT} "${content}")
