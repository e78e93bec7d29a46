/* ledger_int.h - what the files of machine/ share: the ledger's handle and
 * its SQL helpers. Not for other modules: they use ledger.h and stage.h. */
#ifndef SWEEP_LEDGER_INT_H
#define SWEEP_LEDGER_INT_H

#include "machine/ledger.h"

#include <sqlite3.h>
#include <sys/types.h>

struct ledger {
    sqlite3 *db;
    char *path;
    dev_t dev;
    ino_t ino;
};

double ledger_now(void); /* wall seconds */
int ledger_db_err(struct ledger *l, struct err *e, const char *what);
int ledger_exec_sql(struct ledger *l, const char *sql, struct err *e);
sqlite3_stmt *ledger_prep(struct ledger *l, const char *sql, struct err *e);
/* Steps s to its end and finalizes it: 0 or -1. */
int ledger_done(struct ledger *l, sqlite3_stmt *s, struct err *e);

#endif
