#include <stdio.h>
int call_all(void);
int main(void) {
	printf("%d\n", call_all());
	return 0;
}
