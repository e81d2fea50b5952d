// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// What RocksDB's C API (7.8) lacks and the Backend needs: an info logger
// that a full disk cannot crash, and DB::Resume.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include "native.h"

// The C API's wrappers, as RocksDB's c.cc defines them (its header only
// declares them): a database is a DB*, a logger a shared pointer.
struct rocksdb_t {
	rocksdb::DB* rep;
};

struct rocksdb_logger_t {
	std::shared_ptr<rocksdb::Logger> rep;
};

namespace {

// FileLogger appends RocksDB's info log to a file, in the format of
// RocksDB's own logger, and ignores write errors. RocksDB's own logger
// goes through a WritableFileWriter, which (in builds with assertions,
// such as Debian's) aborts the process on the first write after a failed
// one: on a full disk, the log line that reports the failed write is
// enough. This one cannot: each line is one write(2) whose error is
// dropped. Past max bytes, the file is renamed to path.old and a new one
// begun (0: never).
class FileLogger : public rocksdb::Logger {
 public:
	FileLogger(std::string path, size_t max, rocksdb::InfoLogLevel level)
	    : rocksdb::Logger(level), path_(std::move(path)), max_(max) {
		Open();
	}
	~FileLogger() override {
		if (fd_ >= 0) {
			::close(fd_);
		}
	}

	using rocksdb::Logger::Logv;
	void Logv(const char* format, va_list ap) override {
		struct timeval now;
		gettimeofday(&now, nullptr);
		struct tm t;
		localtime_r(&now.tv_sec, &t);
		char head[64];
		int h = snprintf(head, sizeof head, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %ld ",
		                 t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min,
		                 t.tm_sec, static_cast<long>(now.tv_usec),
		                 static_cast<long>(syscall(SYS_gettid)));
		if (h < 0) {
			return;
		}
		char stack[1024];
		std::string heap;
		char* line = stack;
		va_list again;
		va_copy(again, ap);
		int n = vsnprintf(stack + h, sizeof stack - h - 1, format, ap);
		if (n >= 0 && static_cast<size_t>(n) >= sizeof stack - h - 1) {
			heap.resize(h + n + 2);
			line = &heap[0];
			n = vsnprintf(line + h, n + 1, format, again);
		}
		va_end(again);
		if (n < 0) {
			return;
		}
		memcpy(line, head, h);
		size_t len = h + n;
		if (len == 0 || line[len - 1] != '\n') {
			line[len++] = '\n';
		}
		std::lock_guard<std::mutex> lock(mu_);
		if (max_ > 0 && size_ > 0 && size_ + len > max_) {
			Rotate();
		}
		if (fd_ < 0) {
			return;
		}
		ssize_t w = ::write(fd_, line, len); // errors are ignored, on purpose
		if (w > 0) {
			size_ += w;
		}
	}

 private:
	void Open() {
		fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		struct stat st;
		size_ = fd_ >= 0 && fstat(fd_, &st) == 0 ? st.st_size : 0;
	}
	void Rotate() {
		if (fd_ >= 0) {
			::close(fd_);
		}
		::rename(path_.c_str(), (path_ + ".old").c_str());
		Open();
	}

	std::mutex mu_;
	const std::string path_;
	const size_t max_;
	int fd_ = -1;
	size_t size_ = 0;
};

}  // namespace

extern "C" {

rocksdb_logger_t* strata_logger_new(const char* path, size_t max, int level) {
	auto* l = new rocksdb_logger_t;
	l->rep = std::make_shared<FileLogger>(path, max, static_cast<rocksdb::InfoLogLevel>(level));
	return l;
}

void strata_logger_free(rocksdb_logger_t* l) {
	delete l;
}

char* strata_resume(rocksdb_t* db) {
	rocksdb::Status s = db->rep->Resume();
	if (s.ok()) {
		return nullptr;
	}
	return strdup(s.ToString().c_str());
}

}  // extern "C"
