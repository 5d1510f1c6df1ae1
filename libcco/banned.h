/*
 * banned.h: functions we never call, made compile errors (as git does).
 * They either overflow buffers (strcpy, strcat, sprintf), keep hidden state
 * (strtok), or depend on the time zone (gmtime, localtime), which would break
 * determinism.  Included into every translation unit by the Makefile.
 */
#ifndef CCO_BANNED_H
#define CCO_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)

#endif
