/* connect with its sockaddr rewritten by another thread: the kernel copies the address at the
 * call's entry; a sibling thread then rewrites the user memory to a decoy (127.0.0.2:DECOY,
 * where nothing listens), so a capture that reads it again at the exit names the decoy as the
 * peer of a connection that went to 127.0.0.1:PORT. ROUNDS connects, each to PORT unless the
 * rewrite came before the kernel's copy (then it is refused). Prints how many connected.
 * Usage: swap_connect_peer PORT DECOY ROUNDS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in address;
static struct sockaddr_in real, decoy;
static volatile int round_started;
static volatile long delay;

static void *rewrite(void *unused)
{
    (void)unused;
    int seen = 0;
    for (;;) {
        while (round_started == seen) {
        }
        seen = round_started;
        for (volatile long i = 0; i < delay; i++) {
        }
        address = decoy;
        __sync_synchronize();
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    real = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &real.sin_addr);
    decoy = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    inet_pton(AF_INET, "127.0.0.2", &decoy.sin_addr);
    int rounds = atoi(argv[3]), connected = 0;
    pthread_t thread;
    pthread_create(&thread, NULL, rewrite, NULL);
    for (int i = 0; i < rounds; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        address = real;
        __sync_synchronize();
        round_started++;
        if (connect(s, (struct sockaddr *)&address, sizeof(address)) == 0)
            connected++;
        else
            delay++; /* the rewrite came first: let the next one come later */
        close(s);
    }
    printf("connected %d of %d\n", connected, rounds);
    return 0;
}
