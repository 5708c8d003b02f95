/* lib/netns: network namespaces and links over rtnetlink (libmnl). */
#pragma once

#include "common/common.h"

/* Brings the loopback interface of the calling process's network namespace
 * up: a fresh netns has lo down, and much software expects 127.0.0.1. */
int ward_net_lo_up(struct ward_err **err);
