/**
 * The extension API: what a developer implements ({@link io.mainstay.extension.Extension} and its
 * services) and what the runtime hands them (the contexts). Election, fencing, the store, executors that
 * follow the main and supervised restarts come with it.
 */
package io.mainstay.extension;
