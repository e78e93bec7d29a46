/* plots.h - reports drawn with gnuplot (docs/contract.md §7, docs/reports.md).
 *
 * gnuplot is a separate program, found on PATH and started with a fixed
 * argv; its script goes through a pipe. Data never carries text: data files
 * hold numbers only, and every piece of user text (parameter values, metric
 * names, sweep names) reaches a script through plots_quote, as a
 * single-quoted gnuplot string, in which gnuplot expands nothing (no
 * backquotes, no @macros, no escapes). Text is drawn noenhanced. */
#ifndef SWEEP_PLOTS_H
#define SWEEP_PLOTS_H

#include <stddef.h>
#include <stdio.h>

struct err;
struct sb;
struct store;

/* Appends s as a gnuplot single-quoted string: ' doubled, newlines shown
 * as the two characters \n, other control bytes as '?'. */
void plots_quote(struct sb *b, const char *s);

/* 1 if a gnuplot program is on PATH. */
int plots_have_gnuplot(void);

/* Runs gnuplot in dir (NULL: here) with script on its stdin and its
 * stdout on out_fd (-1: /dev/null). 0 if it exited 0; else -1, with
 * gnuplot's messages (or why it could not start) in e. */
int plots_gnuplot(const char *script, size_t len, const char *dir, int out_fd, struct err *e);

enum plots_format { PLOTS_PNG, PLOTS_SVG };

/* sweep report: writes out/index.html, its images and their gnuplot
 * scripts and data, for the sweeps in dirs (one or more). Plots that
 * cannot be drawn are named on stderr and in the page; without gnuplot the
 * page has its tables and says so. 0, or -1 with e filled. */
int plots_report(char *const *dirs, size_t ndirs, const char *out, enum plots_format fmt,
                 struct err *e);

/* sweep top --plot: the objective per step of the n best trials, drawn
 * in the terminal (gnuplot's dumb terminal) on stdout, width x height
 * characters. */
int plots_terminal(struct store *st, long long n, int width, int height, struct err *e);

#endif
