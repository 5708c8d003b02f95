/* lib/container: the container model (config keys, state store, intent
 * record), its lifecycle (create/start/stop/exec/destroy) and the monitor. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/common.h"

/* ---- templates (template.c, template-tar.c) ------------------------------ */

/* What a template tells the container about itself once installed. */
struct ward_template_info {
	int stop_signal;   /* signal its init obeys for a clean halt; 0 = SIGTERM */
	char init[256];    /* path of init inside the rootfs, "" = /sbin/init */
};

/* Fills the empty directory rootfs_fd from a template spec:
 *   "busybox" or NAME  a data template (embedded, or NAME.ini in the template
 *                      directory $WARD_TEMPLATES or the installed one)
 *   "dir:PATH"         a copy of a host directory
 *   "tar:PATH"         a tarball (plain, gz, xz or zst), extracted safely:
 *                      entries with "..", absolute paths, or links leaving
 *                      the rootfs are refused
 * On failure the caller removes what was written. */
int ward_template_install(const char *spec, int rootfs_fd,
			  struct ward_template_info *info, struct ward_err **err);

/* The INI text of a data template (busybox or NAME), so a cache can tell
 * whether its copy is current; -EOPNOTSUPP for dir: and tar: specs. */
int ward_template_text(const char *spec, char **text, struct ward_err **err);

/* ---- where things live (paths.c) ----------------------------------------- */

/* The host-wide locations every verb works against; relocatable so each test
 * uses its own (--root/WARD_ROOT, --run/WARD_RUN, WARD_CGROUP_ROOT). */
struct ward_host {
	char *root;    /* persistent: containers/NAME/{config,state.json,rootfs} */
	char *run;     /* volatile: NAME/{intent.json,spec.json,monitor.sock} */
	char *cg_root; /* cgroup subtree name below each hierarchy root */
};

/* Fills host from the arguments, else the environment, else the defaults
 * (/var/lib/ward, /run/ward, "ward"). */
void ward_host_init(struct ward_host *host, const char *root, const char *run);
void ward_host_fini(struct ward_host *host);

char *ward_host_ctdir(const struct ward_host *host, const char *name);
/* The cgroup relpath of a class: classes are inner nodes, one level per
 * class level ("gold.web" -> "ward/gold/web"), containers their leaves. */
char *ward_host_class_cgroup(const struct ward_host *host, const char *class);
char *ward_host_rundir(const struct ward_host *host, const char *name);

/* Serialises commands on one container: an flock that survives the
 * container's directory being removed by a concurrent destroy. */
int ward_ct_lock(const struct ward_host *host, const char *name, bool wait,
		 struct ward_err **err);

/* A read-only, shared rootfs of data template `spec`, built once under
 * ROOT/templates/NAME-HASH (HASH of the template text); ephemeral containers
 * overlay it instead of copying it. -EOPNOTSUPP for dir: and tar: specs. */
int ward_template_cache(const struct ward_host *host, const char *spec,
			char **rootfs, struct ward_template_info *info,
			struct ward_err **err);

/* Removes half-built template copies a crash left; returns how many. */
int ward_template_cache_gc(const struct ward_host *host, struct ward_err **err);

/* ---- config (config.c): the keys table ----------------------------------- */

struct ward_kv {
	char *key;
	char *value;
};

/* A container's editable configuration: validated key/value pairs. */
struct ward_config {
	struct ward_kv *kv;
	size_t n;
};

/* Checks key and value against the keys table ("unknown config key ...",
 * "bad value ... for stop.timeout: ..."). env.NAME keys carry environment. */
int ward_config_check(const char *key, const char *value, struct ward_err **err);
/* Sets (validated) or replaces a key. */
int ward_config_set(struct ward_config *cfg, const char *key, const char *value,
		    struct ward_err **err);
/* Removes a key; -ENOENT if it was not set, -EINVAL if unknown. */
int ward_config_unset(struct ward_config *cfg, const char *key, struct ward_err **err);
/* The value set, else NULL. */
const char *ward_config_get(const struct ward_config *cfg, const char *key);
/* The value set, else the key's default (NULL if it has none). */
const char *ward_config_value(const struct ward_config *cfg, const char *key);
/* Whether a key names a config key at all (for get of an unset key). */
bool ward_config_known(const char *key);
/* INI text <-> config. Parsing validates every key and value. */
int ward_config_parse(const char *text, struct ward_config *cfg, struct ward_err **err);
char *ward_config_format(const struct ward_config *cfg);
int ward_config_load(const char *ctdir, struct ward_config *cfg, struct ward_err **err);
/* durable false skips the fsyncs (ephemeral containers). */
int ward_config_save(const char *ctdir, const struct ward_config *cfg, bool durable,
		     struct ward_err **err);
void ward_config_fini(struct ward_config *cfg);
/* The keys table, for `ward config get NAME` and the man page check. */
struct ward_config_key {
	const char *key;
	const char *def;
	const char *help;
	int (*check)(const char *value, struct ward_err **err);
};
const struct ward_config_key *ward_config_keys(size_t *n);

/* ---- persistent state (state.c) ------------------------------------------ */

enum ward_ct_phase {
	WARD_PHASE_CREATING = 1, /* create started; a crash leaves it for gc */
	WARD_PHASE_READY,        /* created */
	WARD_PHASE_DESTROYING,   /* destroy started; gc finishes it */
};

struct ward_state {
	enum ward_ct_phase phase;
	char template[512];
	long long created; /* unix time */
	bool ephemeral;    /* ward run --rm: never autostarted */
	char lower[512];   /* read-only template cache the rootfs overlays, or "" */
};

/* How the last run of the container ended, written by its monitor. */
struct ward_exit {
	bool valid;
	int code;   /* exit code, or -1 if killed */
	int signal; /* killing signal, or 0 */
	long long time;
};

char *ward_state_format(const struct ward_state *st);
int ward_state_parse(const char *json, struct ward_state *st, struct ward_err **err);
int ward_state_load(const char *ctdir, struct ward_state *st, struct ward_err **err);
int ward_state_save(const char *ctdir, const struct ward_state *st, struct ward_err **err);
int ward_exit_parse(const char *json, struct ward_exit *ex, struct ward_err **err);
int ward_exit_load(const char *ctdir, struct ward_exit *ex);
/* How a run ended, in words: "exited", "poweroff" (init called reboot(2)
 * to halt or power off, which ends a pid namespace's init with SIGINT),
 * "reboot" (likewise with SIGHUP) or "killed". */
const char *ward_exit_reason(const struct ward_exit *ex);

/* ---- intent record (intent.c) -------------------------------------------- */

/* Names every kernel object a running container owns, written before the
 * object exists, so gc/destroy --force can release it after any crash. */
struct ward_intent {
	char cgroup[512];          /* relpath in every hierarchy */
	pid_t monitor_pid;
	unsigned long long monitor_start; /* /proc/PID/stat starttime: guards pid reuse */
	pid_t init_pid;
	long long started;
	char moving_from[512];     /* during a live class change: the old cgroup */
};

char *ward_intent_format(const struct ward_intent *in);
int ward_intent_parse(const char *json, struct ward_intent *in, struct ward_err **err);
int ward_intent_load(const char *rundir, struct ward_intent *in, struct ward_err **err);
int ward_intent_save(const char *rundir, const struct ward_intent *in, struct ward_err **err);
/* starttime of a pid from /proc, 0 if it is gone */
unsigned long long ward_proc_starttime(pid_t pid);
/* Whether the monitor the intent names is alive (pid and start time match). */
bool ward_intent_monitor_alive(const struct ward_intent *in);

/* ---- the resolved spec (spec.c) ------------------------------------------ */

/* Everything needed to run a container, resolved from config + state + host
 * before anything is created. lib/container executes a spec and nothing else;
 * it is saved at start so exec and the monitor use the same thing. */
struct ward_spec {
	char *name;
	char *rootfs;   /* host path */
	char *lower;    /* overlay: read-only lower dir under rootfs, or NULL */
	char *upper;    /* overlay: upper dir (its work dir is beside it) */
	char *hostname;
	char *cgroup;   /* relpath below every hierarchy root */
	char **argv;    /* init and its arguments, NULL-terminated */
	char **envp;    /* NULL-terminated */
	int stop_signal;
	int stop_timeout; /* seconds */
	bool console;   /* true: a pty console owned by the monitor;
			 * false: init inherits ward's stdio (ward run) */
	bool ephemeral; /* ward run --rm: records need not survive a crash */
};

/* Resolves the spec of container `name` from its config. lower, if set, is
 * the template cache its rootfs overlays; argv, if given, replaces the
 * configured init (ward run). */
int ward_spec_resolve(const struct ward_host *host, const char *name,
		      const struct ward_config *cfg, const char *lower,
		      char *const *argv, struct ward_spec *spec, struct ward_err **err);
/* Sets NAME=VALUE in a NULL-terminated environment, replacing an entry of
 * the same NAME, so a configured PATH wins over the default one. */
char **ward_env_set(char **env, const char *kv);
char *ward_spec_format(const struct ward_spec *spec);
int ward_spec_parse(const char *json, struct ward_spec *spec, struct ward_err **err);
void ward_spec_fini(struct ward_spec *spec);

/* ---- lifecycle ----------------------------------------------------------- */

enum ward_ct_status {
	WARD_CT_STOPPED = 1,
	WARD_CT_RUNNING,
	WARD_CT_CREATING,   /* a create is under way, or crashed (gc) */
	WARD_CT_DESTROYING, /* a destroy is under way, or crashed (gc) */
	WARD_CT_ABANDONED,  /* its monitor died without cleaning up (gc) */
	WARD_CT_STARTING,   /* a start holds the lock, its monitor not yet recorded */
};

const char *ward_ct_status_name(enum ward_ct_status s);

/* What `ward ls` and `ward info` show about one container. */
struct ward_ct_info {
	char name[WARD_NAME_MAX + 1];
	enum ward_ct_status status;
	pid_t init_pid;       /* host pid of init while running */
	long long started;
	struct ward_state state;
	struct ward_exit last_exit;
	struct ward_config config;
};

int ward_ct_info(const struct ward_host *host, const char *name,
		 struct ward_ct_info *info, struct ward_err **err);
void ward_ct_info_fini(struct ward_ct_info *info);
/* Names of every container, sorted. */
int ward_ct_list(const struct ward_host *host, char ***names, size_t *n,
		 struct ward_err **err);
void ward_strv_free(char **v);

struct ward_create_opts {
	const char *template;   /* spec for ward_template_install; NULL = busybox */
	const struct ward_config *config; /* initial keys, already checked */
	bool ephemeral;
	int *hold_lock;         /* if set, receives the container's lock fd, so
				 * create and run form one step (gc cannot see
				 * an ephemeral container between them) */
};

/* Creates a stopped container: directory, config, rootfs from the template.
 * The state says "creating" until the end, so a crash is left for gc. */
int ward_ct_create(const struct ward_host *host, const char *name,
		   const struct ward_create_opts *o, struct ward_err **err);

/* Moves a container to another class: its config, and when it runs, its
 * processes into the class's cgroup (live), its intent record and its
 * monitor. The class's cgroup and knobs must be in place (cmd/ applies
 * them). */
int ward_ct_assign(const struct ward_host *host, const char *name, const char *class,
		   struct ward_err **err);

/* The class file (ROOT/classes.conf, INI, human-editable): its text, or
 * NULL when there is none yet. The lock serialises class changes. */
int ward_classfile_lock(const struct ward_host *host, struct ward_err **err);
int ward_classfile_read(const struct ward_host *host, char **text, struct ward_err **err);
int ward_classfile_write(const struct ward_host *host, const char *text, struct ward_err **err);

/* Config changes go through here so they take the container's lock; a
 * change of "class" moves a running container at once (ward_ct_assign). */
int ward_ct_config_update(const struct ward_host *host, const char *name,
			  const char *key, const char *value, struct ward_err **err);

/* Starts init under a new monitor and returns once init runs (its exec
 * happened). -EALREADY if the container is running. */
int ward_ct_start(const struct ward_host *host, const char *name,
		  struct ward_err **err);

struct ward_run_opts {
	char *const *argv; /* the command, run as init */
	int lockfd;        /* the container's lock if held already, else -1;
			    * taken over (closed) by ward_ct_run */
};

/* Runs a container in the foreground: ward itself is the monitor, init gets
 * ward's stdio, and the call returns once init exited, with *status in the
 * shell's encoding (code, or 128+signal). When the command cannot be
 * executed the call fails with *status 127 (not found) or 126. */
int ward_ct_run(const struct ward_host *host, const char *name,
		const struct ward_run_opts *o, int *status, struct ward_err **err);

struct ward_stop_opts {
	int timeout;  /* seconds, -1 = the configured stop.timeout */
	bool force;   /* kill at once */
};

/* Asks the monitor to stop the container (signal, wait, kill the cgroup)
 * and returns once every kernel object is released. -ESRCH if not running. */
int ward_ct_stop(const struct ward_host *host, const char *name,
		 const struct ward_stop_opts *o, struct ward_err **err);

/* Removes a stopped container. With force, a running one is stopped (killed)
 * first and any leftovers named by the intent record are released. */
int ward_ct_destroy(const struct ward_host *host, const char *name, bool force,
		    struct ward_err **err);

/* Cleans what crashed commands left: abandoned runs, half-created and
 * half-destroyed containers. *cleaned counts what it released. */
int ward_ct_gc(const struct ward_host *host, int *cleaned, struct ward_err **err);

struct ward_exec_opts {
	char *const *argv;
	bool tty;     /* allocate a pty inside the container */
	char *const *env; /* extra NAME=VALUE, may be NULL */
};

/* Runs a command inside a running container: its namespaces (joined through
 * the init pidfd), its cgroup, only fds 0-2. *status as for ward_ct_run;
 * when the command cannot be executed the call fails and *status is 127
 * (not found) or 126 (not executable), as a shell's would be. */
int ward_ct_exec(const struct ward_host *host, const char *name,
		 const struct ward_exec_opts *o, int *status, struct ward_err **err);

/* Attaches the caller's stdio to the container console until the detach key
 * (Ctrl-]) or, without a terminal, until stdin ends. */
int ward_ct_console(const struct ward_host *host, const char *name,
		    struct ward_err **err);
