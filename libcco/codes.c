#include <ctype.h>
#include <string.h>

#include "codes.h"

size_t code_icd(char *s)
{
	size_t w = 0;

	for (size_t r = 0; s[r]; r++)
		if (s[r] != '.' && s[r] != ' ')
			s[w++] = (char)toupper((unsigned char)s[r]);
	s[w] = '\0';
	return w;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

size_t code_revenue(char *buf)
{
	size_t n = strlen(buf);

	if (n == 3 && all_digits(buf, 3)) {
		memmove(buf + 1, buf, 4);
		buf[0] = '0';
		return 4;
	}
	return n;
}

/* Copy src (n bytes) into dst right-aligned in width, zero-padded. */
static void pad(char *dst, const char *src, size_t n, size_t width)
{
	memset(dst, '0', width - n);
	memcpy(dst + width - n, src, n);
}

size_t code_ndc11(char *buf)
{
	size_t n = strlen(buf), part[3], np = 0, start = 0;
	char out[12];

	if (n == 11 && all_digits(buf, 11))
		return 11;
	for (size_t i = 0; i <= n && np < 3; i++) {
		if (i == n || buf[i] == '-') {
			part[np++] = i - start;
			start = i + 1;
		}
	}
	if (np == 1 && n == 10 && all_digits(buf, 10))
		return 0; /* 10 bare digits are ambiguous (4-4-2, 5-3-2 or 5-4-1) */
	if (np != 3 || start != n + 1 || part[0] + part[1] + part[2] + 2 != n)
		return 0;
	const char *a = buf, *b = buf + part[0] + 1, *c = b + part[1] + 1;

	if (!all_digits(a, part[0]) || !all_digits(b, part[1]) ||
	    !all_digits(c, part[2]) || part[0] > 5 || part[1] > 4 || part[2] > 2)
		return 0;
	pad(out, a, part[0], 5);
	pad(out + 5, b, part[1], 4);
	pad(out + 9, c, part[2], 2);
	memcpy(buf, out, 11);
	buf[11] = '\0';
	return 11;
}

static void append_mod(char *mods, size_t cap, const char *m, size_t n)
{
	size_t used = strlen(mods);

	if (n == 0 || used + n + 2 > cap)
		return;
	if (used)
		mods[used++] = '|';
	memcpy(mods + used, m, n);
	mods[used + n] = '\0';
}

void code_split_modifiers(char *proc, char *mods, size_t mods_cap)
{
	char *sep = strpbrk(proc, "- ");
	size_t n;

	code_icd(mods);
	for (char *p = proc; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (sep) {
		char extra[CODE_MAX * 4];
		size_t k = 0;

		for (char *p = sep + 1; *p && k + 1 < sizeof(extra); p++)
			extra[k++] = *p == '-' || *p == ' ' ? '|' : *p;
		extra[k] = '\0';
		*sep = '\0';
		for (char *m = extra; *m;) {
			size_t len = strcspn(m, "|");

			append_mod(mods, mods_cap, m, len);
			m += len + (m[len] == '|');
		}
		return;
	}
	n = strlen(proc);
	if (n == 7) {
		append_mod(mods, mods_cap, proc + 5, 2);
		proc[5] = '\0';
	}
}
