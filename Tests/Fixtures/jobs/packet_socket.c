/* Opens and closes a raw AF_PACKET socket (needs CAP_NET_RAW; sends nothing). */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) { perror("packet_socket: socket"); return 1; }
    close(fd);
    return 0;
}
