// NativeTransport
