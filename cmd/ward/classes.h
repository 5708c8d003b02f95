/* cmd/ward: the class file and its application to cgroups, shared by the
 * class verbs, create/start (a container's class must be in place) and stat. */
#pragma once

#include "cmd/ward/ward.h"
#include "policy/classes.h"

/* Loads the class file (an absent file is the empty set: only "default").
 * With lockfd non-NULL the class lock is taken first and handed over. */
int classes_load(struct verb_ctx *v, struct ward_classes *cs, int *lockfd,
		 struct ward_err **err);
/* Writes the set back in its canonical form. */
int classes_save(struct verb_ctx *v, const struct ward_classes *cs, struct ward_err **err);

/* Creates every class's cgroup and writes its knobs (all classes: weights
 * depend on siblings). Notes Linux cannot enforce are collected in *notes
 * (NULL-terminated, caller frees with ward_strv_free) when notes is set. */
int classes_apply(struct verb_ctx *v, const struct ward_classes *cs, char ***notes,
		  struct ward_err **err);

/* Before a container of `class` starts: the class must exist and its
 * cgroup carry its knobs (they vanish with a reboot). Cheap when there is
 * no class file and the class is "default". */
int classes_prepare(struct verb_ctx *v, const char *class, struct ward_err **err);

/* The host facts policy needs, read from the class's cgroup. */
int classes_host(struct verb_ctx *v, const char *class, struct ward_class_host *h,
		 struct ward_err **err);

/* Whether member_class is `class` or one of its subclasses. */
bool classes_in(const char *member_class, const char *class);

/* Names of the containers whose class is `class` or one of its subclasses. */
int classes_members(struct verb_ctx *v, const char *class, char ***names, size_t *n,
		    struct ward_err **err);

/* A new container's class: the one given (which must exist), else the
 * first matching rule's (set in cfg unless it is "default"). */
int classes_resolve_new(struct verb_ctx *v, struct ward_config *cfg, const char *name,
			const char *tmpl, struct ward_err **err);
/* classes_prepare for an existing container's configured class. */
int classes_prepare_ct(struct verb_ctx *v, const char *name, struct ward_err **err);

/* The class for a new container with no --class: the first matching rule. */
int classes_for_new(struct verb_ctx *v, const char *name, const char *tmpl,
		    char **class, struct ward_err **err);
