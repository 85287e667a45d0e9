/*
 * risk_demo.c — the demo plant's risk register.
 */
#include "risk/risk.h"

int risk_demo_load(struct db *c)
{
	(void)c;
	return 0;
}
