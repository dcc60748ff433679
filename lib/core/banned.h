/* banned.h - functions libvetter must not use (after git's banned.h).
 *
 * Included first in every library source file by the build (-include). Each of these
 * either cannot bound its output or keeps hidden state; use snprintf, the vt_buf
 * functions, memcpy with a checked length, or strtok_r instead.
 */
#ifndef VT_BANNED_H
#define VT_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_vetter

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
