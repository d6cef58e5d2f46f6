/* The monitor's table of the job's threads, and the pool of exec paths read at entry. */
#include "ptrace_monitor.h"

#include <string.h>

#define TASK_CAPACITY 16384 /* threads alive at once; a power of two */
#define STASH_COUNT 64

static struct tg_task *tasks;
static struct stash {
    uint16_t length;
    uint8_t used;
    char data[TG_PAYLOAD_MAX];
} *stashes;

int tg_tasks_allocate(void)
{
    tasks = tg_map(TASK_CAPACITY * sizeof(struct tg_task), 0);
    stashes = tg_map(STASH_COUNT * sizeof(struct stash), 0);
    return tasks && stashes ? 0 : -1;
}


static size_t slot_of(pid_t tid)
{
    return ((uint32_t)tid * 2654435761u) & (TASK_CAPACITY - 1);
}

struct tg_task *tg_task_find(pid_t tid)
{
    for (size_t i = slot_of(tid), n = 0; n < TASK_CAPACITY; i = (i + 1) & (TASK_CAPACITY - 1), n++) {
        if (tasks[i].tid == tid)
            return &tasks[i];
        if (tasks[i].tid == 0)
            return NULL;
    }
    return NULL;
}

struct tg_task *tg_task_add(pid_t tid)
{
    struct tg_task *found = tg_task_find(tid);
    if (found)
        return found;
    for (size_t i = slot_of(tid), n = 0; n < TASK_CAPACITY - 1; i = (i + 1) & (TASK_CAPACITY - 1), n++) {
        if (tasks[i].tid == 0) {
            memset(&tasks[i], 0, sizeof(tasks[i]));
            tasks[i].tid = tid;
            tasks[i].tgid = tid;
            tasks[i].stash = -1;
            return &tasks[i];
        }
    }
    return NULL;
}

void tg_task_remove(pid_t tid)
{
    struct tg_task *task = tg_task_find(tid);
    if (!task)
        return;
    tg_stash_release(&task->stash);
    size_t hole = (size_t)(task - tasks);
    tasks[hole].tid = 0;
    for (size_t i = (hole + 1) & (TASK_CAPACITY - 1); tasks[i].tid != 0; i = (i + 1) & (TASK_CAPACITY - 1)) {
        size_t home = slot_of(tasks[i].tid);
        /* Move the entry into the hole when its home is not between the hole and it. */
        int between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!between) {
            tasks[hole] = tasks[i];
            tasks[i].tid = 0;
            hole = i;
        }
    }
}

void tg_task_each(int (*visit)(struct tg_task *task, void *context), void *context)
{
    for (size_t i = 0; i < TASK_CAPACITY; i++)
        if (tasks[i].tid != 0 && visit(&tasks[i], context))
            return;
}

/* ---- exec path stash ----------------------------------------------------------------------- */

int tg_stash_take(void)
{
    for (int i = 0; i < STASH_COUNT; i++)
        if (!stashes[i].used) {
            stashes[i].used = 1;
            stashes[i].length = 0;
            return i;
        }
    return -1;
}

char *tg_stash_data(int index, uint16_t **length)
{
    *length = &stashes[index].length;
    return stashes[index].data;
}

void tg_stash_release(int *index)
{
    if (*index >= 0)
        stashes[*index].used = 0;
    *index = -1;
}

