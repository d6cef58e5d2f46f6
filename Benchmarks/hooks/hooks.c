/* Paired, in-process: alternating blocks of syscalls with nothing attached and with MODE
 * attached (tpbtf: the raw tracepoint; sysexit: the per-syscall tracepoints), printing the
 * median cost each adds per getppid() (no rule wants it) and per openat()+close() (wanted). */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static const char *sysnames[] = {"openat","close","execve","execveat","connect","accept","accept4","bind","listen","socket","unlinkat","unlink","rename","renameat","renameat2","mkdir","mkdirat","rmdir","chmod","fchmod","fchmodat","symlink","symlinkat","link","linkat","ptrace","setuid","setgid","setresuid","setresgid","mount","umount","dup","dup2","dup3","fcntl","pipe","pipe2","socketpair","sendto","recvfrom","memfd_create","bpf","chdir","fchdir","creat","open","truncate",0};
static struct bpf_link *L[64]; static int nl;
static void attach(struct bpf_object*o,const char*mode){
  if(!strcmp(mode,"tpbtf")) L[nl++]=bpf_program__attach(bpf_object__find_program_by_name(o,"tp_btf_exit"));
  else { struct bpf_program*p=bpf_object__find_program_by_name(o,"syscall_exit");
    for(int i=0;sysnames[i];i++){char ev[64];snprintf(ev,64,"sys_exit_%s",sysnames[i]); L[nl++]=bpf_program__attach_tracepoint(p,"syscalls",ev);} } }
static void detach(void){for(int i=0;i<nl;i++) bpf_link__destroy(L[i]); nl=0;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static void block(long n,double*g,double*o){double t0=now();for(long i=0;i<n;i++)syscall(SYS_getppid);double t1=now();
  for(long i=0;i<n/8;i++){int fd=syscall(SYS_openat,AT_FDCWD,"/etc/hostname",O_RDONLY);syscall(SYS_close,fd);}double t2=now();
  *g=(t1-t0)/n;*o=(t2-t1)/(n/8);}
int main(int argc,char**argv){
  const char*mode=argv[1]; int rounds=atoi(argv[2]); long n=200000;
  libbpf_set_print(NULL);
  struct bpf_object*o=bpf_object__open_file("hooks.bpf.o",NULL); if(bpf_object__load(o))return 1;
  double dg[200],dop[200];
  for(int r=0;r<rounds;r++){double g0,o0,g1,o1; block(n,&g0,&o0); attach(o,mode); block(n,&g1,&o1); detach(); dg[r]=g1-g0; dop[r]=o1-o0;}
  qsort(dg,rounds,8,cmp);qsort(dop,rounds,8,cmp);
  printf("%-8s added: getppid median %.1f ns (q1 %.1f q3 %.1f)  openat+close median %.1f ns (q1 %.1f q3 %.1f)\n",mode,dg[rounds/2],dg[rounds/4],dg[3*rounds/4],dop[rounds/2],dop[rounds/4],dop[3*rounds/4]);
}
