/*
 * config.h: the run configuration, config/pipeline.ini (see cco-config(5)).
 *
 * Every key is declared once, in config.c's table, with its type, range and
 * default; unknown sections and keys, bad values and missing files are
 * errors naming file and line.  Keys are addressed as "section.key".
 */
#ifndef CCO_CONFIG_H
#define CCO_CONFIG_H

#include <stddef.h>

struct config;

/* Load path.  Returns NULL with err_msg() set ("FILE:LINE: what") on any
 * unknown, duplicate or invalid key, or a path key naming a missing file. */
struct config *config_load(const char *path);

/* Apply an override "section.key=value" (from --set), validated as if it
 * were in the file; a relative path is taken from the current directory.
 * Returns 0 or -1 with err_msg() set. */
int config_set(struct config *c, const char *assignment);

/* Checks across keys, once every override is applied: run.as_of is not
 * before the measurement year.  Returns 0 or -1 with err_msg() set. */
int config_check(const struct config *c);

/* Typed accessors.  key must be declared in the table (a programming error
 * otherwise, which aborts).  Paths come back resolved: relative values are
 * taken from the config file's directory. */
const char *config_str(const struct config *c, const char *key);
long config_int(const struct config *c, const char *key);
double config_real(const struct config *c, const char *key);
int config_date(const struct config *c, const char *key);

/* For a key with a fixed set of choices ("a|b|c"): the index of its value. */
int config_choice(const struct config *c, const char *key);

/* Bytes an external sort may use: limits.sort_buffer_kb when set (tests
 * force spills with it), else half of limits.memory_mb. */
size_t config_sort_bytes(const struct config *c);

/* The file the configuration was loaded from. */
const char *config_file(const struct config *c);

/* Write every key as "section.key = value", in table order, to out. */
void config_dump(const struct config *c, void *out);

void config_free(struct config *c);

#endif
