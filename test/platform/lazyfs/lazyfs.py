"""lazyfs.py BACKING MOUNT: a disk that loses what was not fsync'd.

As a power loss does. A FUSE passthrough filesystem (mfusepy on libfuse3) in the spirit
of Jepsen's LazyFS. The folder BACKING stands for the disk; MOUNT is what programs use.
File contents written through MOUNT stay in this process's memory, page by page, until
the file is fsync'd or fdatasync'd: only then do they reach BACKING. Reads see the unsynced writes, as they would
see the page cache. Names (create, unlink, rename, mkdir) reach BACKING at once, like a
journaled filesystem's metadata; an emptied or shortened file (truncate) waits for fsync
like its contents.

Control, one word a line on stdin:
  crash   power loss: every unsynced write is dropped, every later operation fails (EIO),
          the mount goes away and the process exits. It prints
          `crashed: dropped BYTES bytes in FILES files`.
  EOF     the same: whoever started it is gone, and no mount is left behind.
It prints `mounted` once the kernel has sent its first request (the mount is usable).

Every unimplemented operation is left to the kernel: POSIX locks (which SQLite takes)
are then kept by the kernel itself, across every process using the mount.
"""

import errno
import os
import subprocess
import sys
import threading

import mfusepy as fuse

PAGE = 4096


class Unsynced:
    """One file's contents since its last fsync: the pages written, and its size.

    `floor`: the disk's bytes from there on are not the file's any more (it was shortened
    to that size since): they read as zeros, even once the file grows again.
    """

    def __init__(self, size):
        self.size = size
        self.floor = size
        self.pages = {}


class LazyFs(fuse.Operations):
    use_ns = True

    def __init__(self, backing):
        self.backing = backing
        # Not `self.lock`: that name is FUSE's lock operation, left to the kernel.
        self.guard = threading.Lock()
        # Keyed by path inside the mount; moved by rename, dropped by unlink.
        self.unsynced = {}
        self.crashed = False

    # -- helpers -------------------------------------------------------------------------

    def real(self, path):
        return os.path.join(self.backing, path.lstrip('/'))

    def alive(self):
        if self.crashed:
            raise fuse.FuseOSError(errno.EIO)

    def state(self, path):
        """The file's unsynced state, begun from what the disk holds."""
        found = self.unsynced.get(path)
        if found is None:
            found = Unsynced(os.stat(self.real(path)).st_size)
            self.unsynced[path] = found
        return found

    def page(self, path, state, index):
        """Page `index` as the file now reads it (a copy taken from the disk if unsynced)."""
        page = state.pages.get(index)
        if page is not None:
            return page
        page = bytearray(PAGE)
        start = index * PAGE
        if start < state.floor:
            with open(self.real(path), 'rb') as disk:
                disk.seek(start)
                data = disk.read(min(PAGE, state.floor - start))
            page[: len(data)] = data
        state.pages[index] = page
        return page

    def resize(self, path, length):
        state = self.state(path)
        state.floor = min(state.floor, length)
        if length < state.size:
            for index in [i for i in state.pages if i * PAGE >= length]:
                del state.pages[index]
            if length % PAGE:
                # Bytes past the new end read as zeros if the file grows again.
                page = self.page(path, state, length // PAGE)
                page[length % PAGE :] = bytes(PAGE - length % PAGE)
        state.size = length

    def persist(self, path):
        """fsync: the file's unsynced pages and size reach the disk."""
        state = self.unsynced.pop(path, None)
        if state is None:
            return
        fd = os.open(self.real(path), os.O_WRONLY)
        try:
            for index, page in state.pages.items():
                start = index * PAGE
                if start < state.size:
                    os.pwrite(fd, bytes(page[: min(PAGE, state.size - start)]), start)
            os.ftruncate(fd, state.size)
        finally:
            os.close(fd)

    def crash(self):
        with self.guard:
            self.crashed = True
            files = len(self.unsynced)
            dropped = sum(len(s.pages) * PAGE for s in self.unsynced.values())
            self.unsynced.clear()
        print(f'crashed: dropped {dropped} bytes in {files} files', flush=True)

    # -- operations ------------------------------------------------------------------------

    def init(self, path):
        print('mounted', flush=True)

    def getattr(self, path, fh=None):
        self.alive()
        st = os.lstat(self.real(path))
        attrs = {
            key: getattr(st, key)
            for key in ('st_mode', 'st_nlink', 'st_uid', 'st_gid', 'st_size', 'st_blocks')
        }
        attrs.update(st_atime=st.st_atime_ns, st_mtime=st.st_mtime_ns, st_ctime=st.st_ctime_ns)
        with self.guard:
            state = self.unsynced.get(path)
            if state is not None:
                attrs['st_size'] = state.size
                attrs['st_blocks'] = (state.size + 511) // 512
        return attrs

    def readdir(self, path, fh):
        self.alive()
        return ['.', '..', *os.listdir(self.real(path))]

    def access(self, path, amode):
        self.alive()
        if not os.access(self.real(path), amode):
            raise fuse.FuseOSError(errno.EACCES)
        return 0

    def statfs(self, path):
        self.alive()
        st = os.statvfs(self.real(path))
        return {key: getattr(st, key) for key in dir(st) if key.startswith('f_')}

    def open(self, path, flags):
        self.alive()
        if flags & os.O_TRUNC:
            with self.guard:
                self.resize(path, 0)
        # Reads go to the disk's copy; writes never do (they wait in memory).
        return os.open(self.real(path), os.O_RDONLY)

    def create(self, path, mode, flags):
        self.alive()
        os.close(os.open(self.real(path), os.O_CREAT | os.O_WRONLY, mode))
        return self.open(path, flags)

    def read(self, path, size, offset, fh):
        self.alive()
        with self.guard:
            state = self.unsynced.get(path)
            if state is None:
                return os.pread(fh, size, offset)
            end = min(offset + size, state.size)
            out = bytearray()
            position = offset
            while position < end:
                index, within = divmod(position, PAGE)
                page = state.pages.get(index)
                take = min(PAGE - within, end - position)
                if page is None:
                    chunk = os.pread(fh, max(0, min(take, state.floor - position)), position)
                    out += chunk + bytes(take - len(chunk))
                else:
                    out += page[within : within + take]
                position += take
            return bytes(out)

    def write(self, path, data, offset, fh):
        self.alive()
        with self.guard:
            state = self.state(path)
            position = 0
            while position < len(data):
                index, within = divmod(offset + position, PAGE)
                take = min(PAGE - within, len(data) - position)
                page = self.page(path, state, index)
                page[within : within + take] = data[position : position + take]
                position += take
            state.size = max(state.size, offset + len(data))
        return len(data)

    def truncate(self, path, length, fh=None):
        self.alive()
        with self.guard:
            self.resize(path, length)
        return 0

    def fsync(self, path, datasync, fh):
        self.alive()
        with self.guard:
            self.persist(path)
        return 0

    def fsyncdir(self, path, datasync, fh):
        self.alive()
        return 0

    def flush(self, path, fh):
        self.alive()
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0

    def unlink(self, path):
        self.alive()
        with self.guard:
            os.unlink(self.real(path))
            self.unsynced.pop(path, None)
        return 0

    def rename(self, old, new):
        self.alive()
        with self.guard:
            os.rename(self.real(old), self.real(new))
            self.unsynced.pop(new, None)
            for path in [p for p in self.unsynced if p == old or p.startswith(old + '/')]:
                self.unsynced[new + path[len(old) :]] = self.unsynced.pop(path)
        return 0

    def mkdir(self, path, mode):
        self.alive()
        os.mkdir(self.real(path), mode)
        return 0

    def rmdir(self, path):
        self.alive()
        os.rmdir(self.real(path))
        return 0

    def chmod(self, path, mode):
        self.alive()
        os.chmod(self.real(path), mode)
        return 0

    def chown(self, path, uid, gid):
        self.alive()
        os.chown(self.real(path), uid, gid)
        return 0

    def utimens(self, path, times=None):
        self.alive()
        os.utime(self.real(path), ns=times) if times else os.utime(self.real(path))
        return 0


def control(fs, mount):
    """Reads stdin; on `crash` or its end: drop the unsynced writes, then unmount."""
    for line in sys.stdin:
        if line.strip() == 'crash':
            break
    fs.crash()
    # Lazy: a process that still has a file open there does not keep the mount.
    subprocess.run(['fusermount3', '-u', '-z', mount], check=False)


def main():
    # Absolute: libfuse moves this process to / once mounted.
    backing, mount = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
    fs = LazyFs(backing)
    threading.Thread(target=control, args=(fs, mount), daemon=True).start()
    # kernel_cache: every change goes through this mount, so the kernel may keep pages
    # across opens (SQLite's processes open the same files often).
    fuse.FUSE(fs, mount, foreground=True, kernel_cache=True)


if __name__ == '__main__':
    main()
