/* policy/classes: helpers shared by the files of this folder only. */
#pragma once

#include "policy/classes.h"

extern const char *const classes_res_names[WARD_CLASS_NRES];
extern const char *const classes_lim_names[WARD_CLASS_NLIM];

/* Sets one key of c from its file text (value NULL unsets it), checking the
 * value's own range; messages name the class and the key. */
int classes_key_set(struct ward_class *c, const char *key, const char *value, struct ward_err **err);

/* All or nothing: if r is 0 and the changed copy tmp passes the whole-set
 * check, tmp replaces cs; otherwise tmp is freed and cs is untouched. */
int classes_commit(struct ward_classes *cs, struct ward_classes *tmp, int r, struct ward_err **err);

/* A limit as the file writes it ("40%", "40.5%", "2G", "1000"). */
void classes_limit_str(const struct ward_class_limit *l, char *buf, size_t len);

/* Bytes in their shortest exact form ("2G", "1536M", "1000"). */
void classes_bytes_str(uint64_t v, char *buf, size_t len);

/* Inserts an empty class in sorted position and returns it. */
struct ward_class *classes_insert(struct ward_classes *cs, const char *name);

/* Checks a class name: one or two levels of valid ward names. */
int classes_name_check(const char *name, struct ward_err **err);

/* A memory limit in bytes: bytes as written, a percentage of the capacity it
 * refers to (host RAM, or the superclass's hardmax). False when unset or when
 * it needs host RAM and mem_total is 0. */
bool classes_mem_bytes(const struct ward_classes *cs, const struct ward_class *c,
		       enum ward_class_lim l, uint64_t mem_total, uint64_t *out);

/* What a memory percentage of c is a percentage of, in bytes; false if
 * unknown. */
bool classes_mem_capacity(const struct ward_classes *cs, const struct ward_class *c,
			  uint64_t mem_total, uint64_t *out);

/* A cpu or io limit as a fraction of the whole machine, in millionths. */
bool classes_frac(const struct ward_classes *cs, const struct ward_class *c,
		  enum ward_class_res r, enum ward_class_lim l, uint64_t *out);

/* shares with "unset" read as 1. */
unsigned classes_shares(const struct ward_class *c, enum ward_class_res r);
int classes_tier(const struct ward_class *c);

/* True when a and b are siblings: both superclasses, or subclasses of the
 * same superclass. */
bool classes_siblings(const struct ward_class *a, const struct ward_class *b);

/* The shares a class competes with after cpu.min / io.min raised them (see
 * classes.h): its siblings of the same tier all busy. */
double classes_eff_shares(const struct ward_classes *cs, const struct ward_class *c,
			  enum ward_class_res r);

void classes_rule_free(struct ward_class_rule *r);
int classes_rule_parse(const char *line, struct ward_class_rule *r, struct ward_err **err);
