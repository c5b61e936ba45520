// FlakeLockCore
