/*
 * inifile.h: INI files (libinih) whose errors name file and line, for the
 * configuration files other than pipeline.ini (patterns, layouts).
 */
#ifndef CCO_INIFILE_H
#define CCO_INIFILE_H

/* Called for each key: return 0, or -1 with err_set() to stop the parse
 * (the message is then prefixed with "FILE:LINE: "). */
typedef int (*inifile_fn)(void *user, const char *section, const char *key,
			  const char *value);

/* Parse path, calling fn for every key.  Returns 0, or -1 with err_msg()
 * set to "FILE:LINE: what" (unreadable file, syntax error, a line longer
 * than libinih accepts, or fn's error). */
int inifile_parse(const char *path, inifile_fn fn, void *user);

/* During a callback: the line the key is on (for messages about things
 * checked after the parse).  Not reentrant: one parse at a time. */
int inifile_line(void);

/* During a callback: 1 if the key's line is indented, so libinih passed
 * it as a continuation of the key on the line before; 0 if the key was
 * written out (a repeated key on the next line is passed the same way). */
int inifile_continued(void);

#endif
