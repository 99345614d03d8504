/* The administrator's tools of the shell wrapper. */
#ifndef JAILSH_COMMANDS_H
#define JAILSH_COMMANDS_H

/* jailsh check: validates every file in the configuration directory. */
int cmd_check(int argc, char **argv);

/* jailsh explain [USER]: which profile applies and the plan, in order. */
int cmd_explain(int argc, char **argv);

#endif
