/* The two functions GCC may call on its own for struct and array initialisation (there is no C library). */
#include <stddef.h>

void *memset(void *target, int value, size_t length) {
  unsigned char *bytes = target;
  while (length-- > 0) *bytes++ = (unsigned char)value;
  return target;
}

void *memcpy(void *target, const void *source, size_t length) {
  unsigned char *to = target;
  const unsigned char *from = source;
  while (length-- > 0) *to++ = *from++;
  return target;
}
