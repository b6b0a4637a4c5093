/* settings.h — the settings of a session (`set KEY=VALUE`) as data. */
#ifndef RNNLAB_SETTINGS_H
#define RNNLAB_SETTINGS_H

#include "session.h"

/* `set colour=`: the choices, in the order of setting_colour_names
 * ("auto", "truecolor", "256", "8", "none"); Settings.colour holds one. */
enum {
	SETTING_COLOUR_AUTO,
	SETTING_COLOUR_TRUE,
	SETTING_COLOUR_256,
	SETTING_COLOUR_8,
	SETTING_COLOUR_NONE,
	SETTING_COLOUR_COUNT
};
extern const char *const setting_colour_names[SETTING_COLOUR_COUNT];

/* One setting: its key, help line and (for enums) its choices. */
typedef struct SettingDef {
	const char *key;
	const char *help;
	const char *const *choices;	/* enum values, or NULL */
	int nchoices;
	int live;		/* may change while training runs: applies from the next step */
} SettingDef;
/* The setting called key, or NULL. */
const SettingDef *setting_find(const char *key);
int setting_count(void);
const SettingDef *setting_at(int i);
/* Apply key=value to copies of the settings and train config. */
int setting_apply(const Session *s, Settings *set, TrainConfig *tc, const char *key,
		  const char *value, Err *e);
/* The current value as text (canonical, re-parseable: a float reads back
 * as the same float). */
void setting_value(const Session *s, const char *key, char *buf, size_t cap);
/* The value to write down to restore the setting (session files, a
 * sweep's scripts): 1 with the value in buf, or 0 when there is none to
 * write (loss left to the dataset, a schedule's step_size or t_max unset). */
int setting_saved(const Session *s, const char *key, char *buf, size_t cap);
/* set jobs=N: at most this many. */
#define SETTINGS_MAX_JOBS 256

#endif
