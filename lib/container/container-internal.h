/* Shared inside lib/container only. */
#pragma once

#include <json-c/json.h>

#include "container/container.h"

/* Parses JSON text into an object, naming `what` in the error. */
int ct_json_parse(const char *text, const char *what, struct json_object **out,
		  struct ward_err **err);
/* Reads dir/name and hands its text to parse(). */
int ct_json_load(const char *dir, const char *name, char **text, struct ward_err **err);
/* Writes an object atomically as dir/name; durable adds the fsyncs. */
int ct_json_save(const char *dir, const char *name, struct json_object *obj,
		 bool durable, struct ward_err **err);

/* Member accessors that tolerate absence (defaults) but not wrong types. */
const char *ct_json_str(struct json_object *o, const char *key);
long long ct_json_int(struct json_object *o, const char *key);
bool ct_json_bool(struct json_object *o, const char *key);

static inline void ct_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(ct_json_putp)

#include "cgroups/cgroups.h"

#define CT_SOCK_NAME "monitor.sock"
#define CT_RING_SIZE 4096

/* What one container's monitor owns while its init runs. Only libc, lib/common
 * and lib/cgroups stand behind it, so the exec'd ward-monitor stays small. */
struct ct_monitor {
	char *name;
	char *rundir;
	char *ctdir;
	char *cgroup;     /* relpath, for handing on to ward-monitor */
	struct ward_cg *cg;
	int stop_signal;
	int stop_timeout;
	bool ephemeral;   /* its records need not survive a host crash */
	int exec_status;  /* 126/127 when init could not be executed */
	int pidfd;
	pid_t init_pid;
	int master;       /* console pty master, -1 without a console */
	int slave;        /* kept open so the master never reads EIO */
	char pts[32];     /* the slave's path, bound as /dev/console */
	int listen_fd;
	int client;       /* attached console client, -1 if none */
	int waiters[8];   /* stop requests waiting for the teardown */
	size_t nwaiters;
	long long deadline_ms; /* when a pending stop kills the cgroup, 0 none */
	int sigfd;        /* foreground run: forwarded signals, -1 otherwise */
	int nsignals;
	char ring[CT_RING_SIZE]; /* recent console output, replayed on attach */
	size_t ring_len;
};

/* Prepares m for container `name` with its run and container dirs. */
void ct_monitor_init(struct ct_monitor *m, const char *name, const char *rundir,
		     const char *ctdir);
void ct_monitor_fini(struct ct_monitor *m);
/* Opens the listening socket in the run dir. */
int ct_monitor_listen(struct ct_monitor *m, struct ward_err **err);
/* Creates the cgroup, clones init into its namespaces and cgroup, and waits
 * until init has exec'd. On failure everything made is released. */
int ct_monitor_boot(struct ct_monitor *m, const struct ward_spec *spec,
		    struct ward_err **err);
/* Serves requests until init exits; returns the wait status of init. */
int ct_monitor_loop(struct ct_monitor *m);
/* Kills what is left, removes the cgroup and the run dir, records the exit. */
void ct_monitor_teardown(struct ct_monitor *m, int wstatus);
/* Replaces the forked monitor with the small ward-monitor program, handing
 * on its fds; returns only if that program cannot be executed. */
void ct_monitor_exec(struct ct_monitor *m);

/* With the container's lock held: moves a running container into the
 * cgroup of `class` (assign.c). */
int ct_class_follow(const struct ward_host *host, const char *name, const char *class,
		    const struct ward_state *st, struct ward_err **err);

/* Removes a run dir's files (the intent record last) and the dir itself. */
int ct_rundir_remove(const char *rundir, struct ward_err **err);
/* Writes last-exit.json for a wait status; durable adds the fsyncs. */
void ct_exit_record(const char *ctdir, int wstatus, bool durable);

/* Writes spec.json and the intent record for a start, after clearing what an
 * abandoned earlier run left. */
int ct_prepare_run(const struct ward_host *host, const char *name,
		   const struct ward_spec *spec, struct ward_err **err);

/* Releases everything an intent record names (processes, cgroups) and
 * removes the run dir; used by destroy --force and gc. */
int ct_release_intent(const struct ward_host *host, const char *name,
		      struct ward_err **err);

/* Connects to a running container's monitor and sends one request line. */
int ct_monitor_connect(const struct ward_host *host, const char *name,
		       const char *request, struct ward_err **err);
/* Receives one fd passed with SCM_RIGHTS. */
int ct_recv_fd(int sock, struct ward_err **err);
/* Receives one message into buf and the fd it carries, if any (*fd = -1
 * otherwise); returns its length, 0 at EOF, -errno on failure. */
ssize_t ct_recv_with_fd(int sock, void *buf, size_t len, int *fd);
int ct_send_fd(int sock, int fd);

/* Running status from the phase and the intent record. */
enum ward_ct_status ct_status(const struct ward_host *host, const char *name,
			      const struct ward_state *st, struct ward_intent *in);

/* Shell-style status: exit code, or 128 + signal. */
int ct_wait_status(int wstatus);

/* Copies between the caller's stdio and fd (raw mode on a terminal) until fd
 * closes, or with detach_key, until Ctrl-] is typed. Without a terminal,
 * stdin's end is followed by a short drain of fd's output. */
int ct_relay(int fd, bool detach_key);
