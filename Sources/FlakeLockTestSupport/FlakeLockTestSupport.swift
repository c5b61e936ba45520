// FlakeLockTestSupport
