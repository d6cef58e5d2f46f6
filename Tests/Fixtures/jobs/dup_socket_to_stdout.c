/* Duplicates a TCP socket onto standard output (the reverse-shell move), then restores
 * standard output. The socket never connects anywhere. */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int saved = dup(STDOUT_FILENO);
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    if (saved < 0 || sock < 0) { perror("dup_socket_to_stdout: setup"); return 1; }
    if (dup2(sock, STDOUT_FILENO) < 0) { perror("dup_socket_to_stdout: dup2"); return 1; }
    dup2(saved, STDOUT_FILENO);
    close(sock);
    close(saved);
    return 0;
}
